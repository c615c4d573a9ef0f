//! `tls-lens scan`: one summary line per connection of a capture of any size, in constant
//! memory. The capture is read through a small buffer one packet at a time (the same
//! `PacketSource` as the in-memory reader); each TCP connection keeps only the first bytes of
//! each direction, enough for its handshake, which is then summarised by the same parser and
//! explainer as `analyze`. After that, records are only counted, by their headers, and their
//! payloads skipped without being copied.

use foldhash::{HashMap, HashMapExt};
use std::io::Read;
use std::sync::Arc;

use serde::Serialize;

use crate::input::{tls_capture, udp_flow};
use crate::model::{Alert, Dir, Connection, Diagnostic, NoteSeverity, OtherFlow, Summary, TextRef};
use crate::net::{Next, PacketSource, Reassembler, RecordCounts, TcpConnection};
use crate::input::keylog::{self, Entry};
use crate::Options;

/// Bytes stored per direction for the handshake (a certificate chain rarely passes 16 KB).
pub const STORE_LIMIT: usize = 64 << 10;
/// Out-of-order bytes held per direction before a gap is given up on.
const PENDING_LIMIT: usize = 1 << 20;
/// Open TCP connections held at once, and the bytes they may hold together: past either, the
/// least recently active are summarised early (`Reassembler::evict`), so that a capture of a
/// busy tap, full of connections that never close within it, is read in bounded memory.
pub const MAX_LIVE: usize = 4_096;
pub const MAX_HELD: usize = 32 << 20;
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
    /// Names of the messages of the handshake (as `explain` lists them): a TLS 1.0-1.2 side's up
    /// to its Finished; in TLS 1.3, up to the client's Finished (what the server sent before it
    /// included).
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
    /// Connections summarised before they ended because too many were open at once (or they
    /// held too many bytes together): `MAX_LIVE`, `MAX_HELD`.
    pub evicted: u64,
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
/// 1.3 handshakes are decrypted as `explain` does (`explain_capture`).
fn summarise(prefix: TcpConnection, kind: &'static str, opts: &Options, keys: &[Entry]) -> (ScanLine, Vec<u8>) {
    let stream = prefix.stream;
    // Stored bytes end where the scanner stopped keeping them, or where the connection did.
    let stored = |d: Dir| prefix.chunks.iter().filter(|c| c.0 == d).map(|c| c.2).sum::<usize>();
    let cut = !prefix.closed || stored(Dir::C2S) >= STORE_LIMIT || stored(Dir::S2C) >= STORE_LIMIT;
    match tls_capture(prefix, kind) {
        Ok(mut cap) => {
            cap.cut = cut;
            let lean = Options { summary_only: true, ..opts.clone() };
            let (conn, diagnostics, _) = crate::explain_capture(stream, &cap, None, keys, &lean);
            let mut line = ScanLine::from_connection(conn);
            line.diagnostics = diagnostics;
            (line, cap.data)
        }
        Err(flow) => (ScanLine::from_flow(flow), Vec::new()),
    }
}

/// Scan a capture read from `r`. `emit` gets each line as its connection ends (so lines come
/// in the order connections close, not by `stream`); `progress` gets the bytes read so far,
/// about every megabyte. Text inputs and raw records are read whole and analysed as `explain`
/// does.
pub fn scan<R: Read>(
    r: R,
    opts: &ScanOptions,
    emit: impl FnMut(&ScanLine) -> std::io::Result<()>,
    progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    scan_queued(r, opts, QUEUE, emit, progress)
}

/// `scan`, with each line as its JSON text (one line, ending in a newline) for `write`. The
/// thread that finished a line serializes it, so the reading thread is not the one doing it.
pub fn scan_json<R: Read>(
    r: R,
    opts: &ScanOptions,
    write: impl FnMut(&[u8]) -> std::io::Result<()>,
    progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    scan_json_queued(r, opts, QUEUE, write, progress)
}

/// Handshakes waiting for the summarising thread before the reading thread takes one itself.
const QUEUE: usize = 64;

/// `scan` with another queue length between the two threads (tests: with 0, the work is
/// shared between them on nearly every connection).
#[doc(hidden)]
pub fn scan_queued<R: Read>(
    r: R,
    opts: &ScanOptions,
    queue: usize,
    mut emit: impl FnMut(&ScanLine) -> std::io::Result<()>,
    progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    run(r, opts, queue, Emit::Line(&mut emit), progress)
}

/// `scan_json` with another queue length (tests).
#[doc(hidden)]
pub fn scan_json_queued<R: Read>(
    r: R,
    opts: &ScanOptions,
    queue: usize,
    mut write: impl FnMut(&[u8]) -> std::io::Result<()>,
    progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    run(r, opts, queue, Emit::Json(&mut write), progress)
}

/// Where finished lines go: to the caller as lines, or as their JSON text.
enum Emit<'e> {
    Line(&'e mut dyn FnMut(&ScanLine) -> std::io::Result<()>),
    Json(&'e mut dyn FnMut(&[u8]) -> std::io::Result<()>),
}

impl Emit<'_> {
    fn json(&self) -> bool {
        matches!(self, Emit::Json(_))
    }
}

/// A finished line on its way out: the line, or (for `scan_json`) its text, serialized where
/// the line was made.
enum Done {
    Line(ScanLine),
    Json { tls: bool, text: Vec<u8> },
}

impl Done {
    /// The line as it leaves its thread: serialized there when `json`. A line that does not
    /// serialize goes on as it is, and `Out::line` reports the error.
    fn new(mut l: ScanLine, json: bool, lang: crate::explain::Lang) -> Done {
        crate::explain::diagnostics(lang, &mut l.diagnostics);
        match json.then(|| json_line(&l)) {
            Some(Ok(text)) => Done::Json { tls: l.tls, text },
            _ => Done::Line(l),
        }
    }
}

/// A line's JSON text, with its newline.
fn json_line(l: &ScanLine) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::with_capacity(4 << 10);
    serde_json::to_writer(&mut text, l).map_err(std::io::Error::other)?;
    text.push(b'\n');
    Ok(text)
}

fn run<R: Read>(
    mut r: R,
    opts: &ScanOptions,
    queue: usize,
    emit: Emit<'_>,
    mut progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    let json = emit.json();
    let mut stats = ScanStats::default();
    let mut buf: Vec<u8> = Vec::with_capacity(READ_SIZE * 2);
    let eof = fill(&mut r, &mut buf, 4)?;
    let kind = match crate::wire::capture_file_kind(&buf) {
        Some(kind) => kind,
        None => {
            // Not a capture file: read it all and analyse it like `explain`.
            r.read_to_end(&mut buf)?;
            stats.bytes_read = buf.len() as u64;
            let a = crate::analyze(&buf, &opts.explain);
            stats.kind = "text";
            stats.diagnostics = a.diagnostics.iter().filter(|d| d.connection.is_none()).cloned().collect();
            let mut out = Out { stats: &mut stats, emit };
            for c in a.connections {
                let diags: Vec<Diagnostic> = a.diagnostics.iter().filter(|d| d.connection == Some(c.id)).cloned().collect();
                let mut line = ScanLine::from_connection(c);
                line.diagnostics = diags;
                out.line(Done::Line(line))?;
            }
            if opts.all {
                for f in a.other_flows {
                    out.line(Done::Line(ScanLine::from_flow(f)))?;
                }
            }
            return Ok(stats);
        }
    };
    stats.kind = kind;
    // Reading and reassembling stay on this thread; summarising handshakes (the parser, the
    // explainer, certificates) runs beside it on another where there are threads.
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|scope| {
            let (jobs, job_rx) = std::sync::mpsc::sync_channel::<(u64, Job, Arc<Vec<Entry>>)>(queue);
            let (line_tx, lines) = std::sync::mpsc::channel::<(u64, Option<Done>, Vec<u8>)>();
            scope.spawn(move || {
                let mut w = Summariser::new(kind, opts, json);
                for (seq, job, keys) in job_rx {
                    let (l, spare) = w.run(job, &keys);
                    if line_tx.send((seq, l, spare)).is_err() {
                        break;
                    }
                }
            });
            // When the other thread has a backlog, this one summarises the next handshake itself
            // (and later ends that connection too, since its half-made line is here).
            let mut here = Summariser::new(kind, opts, json);
            let (mut mine, mut there) = (foldhash::HashSet::<usize>::default(), foldhash::HashSet::<usize>::default());
            let mut order = InOrder::default();
            let mut out = Out { stats: &mut stats, emit };
            let res = read_packets(r, buf, eof, kind, opts, &mut out, &mut progress, |job, keys, out, reasm| {
                let seq = order.ticket(&job);
                // A connection's end goes where its handshake was summarised; other work goes to
                // the other thread unless it is busy.
                let stopped = || std::io::Error::other("the summarising thread stopped");
                let busy = |e: std::sync::mpsc::TrySendError<(u64, Job, Arc<Vec<Entry>>)>| match e {
                    std::sync::mpsc::TrySendError::Full((_, job, keys)) => Ok(Some((job, keys))),
                    std::sync::mpsc::TrySendError::Disconnected(_) => Err(stopped()),
                };
                let local = match &job {
                    Job::End(c) if mine.remove(&c.stream) => Some((job, keys)),
                    Job::End(c) if there.remove(&c.stream) => {
                        jobs.send((seq, job, keys)).map_err(|_| stopped())?;
                        None
                    }
                    Job::End(_) => jobs.try_send((seq, job, keys)).map_or_else(busy, |()| Ok(None))?,
                    Job::Prefix(id, _) => {
                        let id = *id;
                        let local = jobs.try_send((seq, job, keys)).map_or_else(busy, |()| Ok(None))?;
                        if local.is_some() { &mut mine } else { &mut there }.insert(id);
                        local
                    }
                };
                if let Some((job, keys)) = local {
                    let (l, spare) = here.run(job, &keys);
                    reasm.recycle(spare);
                    order.done(seq, l, out)?;
                }
                lines.try_iter().try_for_each(|(seq, l, spare)| {
                    reasm.recycle(spare);
                    order.done(seq, l, out)
                })
            });
            drop(jobs);
            let udp = res?;
            // The remaining lines, as the summariser finishes them.
            lines.iter().try_for_each(|(seq, l, _)| order.done(seq, l, &mut out))?;
            udp_lines(udp, kind, opts, &mut out)
        })?;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = queue;
        let mut w = Summariser::new(kind, opts, json);
        let mut out = Out { stats: &mut stats, emit };
        let udp = read_packets(r, buf, eof, kind, opts, &mut out, &mut progress, |job, keys, out, reasm| {
            let (l, spare) = w.run(job, &keys);
            reasm.recycle(spare);
            l.map_or(Ok(()), |l| out.line(l))
        })?;
        udp_lines(udp, kind, opts, &mut out)?;
    }
    crate::explain::diagnostics(opts.explain.lang, &mut stats.diagnostics);
    progress(stats.bytes_read, &stats);
    Ok(stats)
}

/// Work for the summariser, in the order the reader finds it.
enum Job {
    /// The stored start of a connection whose handshake is over.
    Prefix(usize, TcpConnection),
    /// A connection that ended (or the capture did).
    End(TcpConnection),
}

/// Turns jobs into scan lines: summarises prefixes, and completes a line when its connection ends.
struct Summariser<'a> {
    kind: &'static str,
    opts: &'a ScanOptions,
    /// Finished lines leave as JSON text (`scan_json`).
    json: bool,
    /// Connections whose handshake is summarised already, waiting for their end.
    open: HashMap<usize, ScanLine>,
}

impl<'a> Summariser<'a> {
    fn new(kind: &'static str, opts: &'a ScanOptions, json: bool) -> Self {
        Summariser { kind, opts, json, open: HashMap::new() }
    }

    /// The line to emit, if any (TCP without TLS only with `--all`), and the buffer of the
    /// stored bytes, for reuse.
    fn run(&mut self, job: Job, keys: &[Entry]) -> (Option<Done>, Vec<u8>) {
        match job {
            Job::Prefix(id, prefix) => {
                let (line, spare) = summarise(prefix, self.kind, &self.opts.explain, keys);
                self.open.insert(id, line);
                (None, spare)
            }
            Job::End(mut c) => {
                let (mut line, spare) = match self.open.remove(&c.stream) {
                    Some(l) => (l, std::mem::take(&mut c.data)),
                    None => {
                        // Ended before its handshake was over: summarise what was stored.
                        let rest = TcpConnection { data: std::mem::take(&mut c.data), chunks: std::mem::take(&mut c.chunks), diagnostics: std::mem::take(&mut c.diagnostics), ..c.clone() };
                        summarise(rest, self.kind, &self.opts.explain, keys)
                    }
                };
                line.finish(&c);
                ((line.tls || self.opts.all).then(|| Done::new(line, self.json, self.opts.explain.lang)), spare)
            }
        }
    }
}

/// Where finished lines go: counted, then handed to the caller.
struct Out<'s, 'e> {
    stats: &'s mut ScanStats,
    emit: Emit<'e>,
}

impl Out<'_, '_> {
    fn line(&mut self, d: Done) -> std::io::Result<()> {
        let tls = match &d {
            Done::Line(l) => l.tls,
            Done::Json { tls, .. } => *tls,
        };
        if tls {
            self.stats.tls_connections += 1;
        } else {
            self.stats.other_flows += 1;
        }
        match (d, &mut self.emit) {
            (Done::Line(l), Emit::Line(f)) => f(&l),
            (Done::Json { text, .. }, Emit::Json(f)) => f(&text),
            (Done::Line(l), Emit::Json(f)) => f(&json_line(&l)?),
            // Lines are serialized only for `Emit::Json` (the summarisers are made with
            // `emit.json()`); were one not, it must not vanish silently.
            (Done::Json { .. }, Emit::Line(_)) => Err(std::io::Error::other("tls-lens: internal error: a scan line was serialized for a caller that wants lines")),
        }
    }
}

/// Lines leave in the order their connections ended, whichever thread finished them: each job
/// that ends a connection takes a ticket, and a line waits for the ones before it.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
struct InOrder {
    next_ticket: u64,
    next_out: u64,
    waiting: std::collections::BTreeMap<u64, Option<Done>>,
}

#[cfg(not(target_arch = "wasm32"))]
impl InOrder {
    /// The job's ticket (`u64::MAX` for jobs that make no line).
    fn ticket(&mut self, job: &Job) -> u64 {
        match job {
            Job::Prefix(..) => u64::MAX,
            Job::End(_) => {
                self.next_ticket += 1;
                self.next_ticket - 1
            }
        }
    }

    fn done(&mut self, ticket: u64, line: Option<Done>, out: &mut Out<'_, '_>) -> std::io::Result<()> {
        if ticket == u64::MAX {
            return Ok(());
        }
        self.waiting.insert(ticket, line);
        while let Some(l) = self.waiting.remove(&self.next_out) {
            self.next_out += 1;
            if let Some(l) = l {
                out.line(l)?;
            }
        }
        Ok(())
    }
}

/// The reading loop: packets -> reassembler -> jobs (given to `submit` with the key log
/// entries known so far). Returns the UDP flows, which are summarised at the end.
#[allow(clippy::too_many_arguments)]
fn read_packets<R: Read>(
    mut r: R,
    mut buf: Vec<u8>,
    mut eof: bool,
    kind: &'static str,
    opts: &ScanOptions,
    out: &mut Out<'_, '_>,
    progress: &mut dyn FnMut(u64, &ScanStats),
    mut submit: impl FnMut(Job, Arc<Vec<Entry>>, &mut Out<'_, '_>, &mut Reassembler) -> std::io::Result<()>,
) -> std::io::Result<(Vec<crate::net::UdpFlow>, Arc<Vec<Entry>>)> {
    let mut src = PacketSource::new(kind);
    let mut keys = Keys { seen: usize::MAX, extra: opts.explain.keylog.clone(), entries: Arc::default() };
    let mut reasm = Reassembler::bounded(STORE_LIMIT, PENDING_LIMIT, MAX_LIVE, MAX_HELD);
    let mut start = 0usize; // position in `buf` of file offset `at`
    let mut at = 0usize;
    let mut next_progress = 0u64;
    loop {
        let step = src.next(&buf[start..], at, eof);
        let used = match step {
            Next::Packet(p, n) => {
                out.stats.packets += 1;
                if let Some(seen) = reasm.packet_seen(&p) {
                    if seen.handshake_over {
                        if let Some(prefix) = reasm.take_prefix(seen.id) {
                            submit(Job::Prefix(seen.id, prefix), keys.update(&src.keylog), out, &mut reasm)?;
                        }
                    }
                    if seen.closed {
                        if let Some(c) = reasm.remove(seen.id) {
                            submit(Job::End(c), keys.update(&src.keylog), out, &mut reasm)?;
                        }
                    }
                    if reasm.over_limit() {
                        for c in reasm.evict() {
                            submit(Job::End(c), keys.update(&src.keylog), out, &mut reasm)?;
                        }
                    }
                }
                // UDP flows are summarised at the end, unless too many are held: then the
                // least recently active now.
                if reasm.udp_over_limit() {
                    udp_lines((reasm.evict_udp(), keys.update(&src.keylog)), kind, opts, out)?;
                }
                n
            }
            Next::Skip(n) => n,
            Next::Warn(d, n) => {
                out.stats.diagnostics.push(d);
                n
            }
            Next::Error(d) => {
                out.stats.diagnostics.push(d);
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
                    let text = TextRef::new("diag.scan.block_too_big").arg("kind", kind).arg("at", at.to_string()).arg("need", need.to_string()).arg("max", (MAX_BLOCK >> 20).to_string());
                    out.stats.diagnostics.push(Diagnostic::error(at, text));
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
            // The bytes held, checked once a megabyte.
            for c in reasm.evict() {
                submit(Job::End(c), keys.update(&src.keylog), out, &mut reasm)?;
            }
            out.stats.peak_held = out.stats.peak_held.max(reasm.held_bytes());
            out.stats.bytes_read = at as u64;
            progress(at as u64, out.stats);
            next_progress = at as u64 + (1 << 20);
        }
    }
    out.stats.bytes_read = out.stats.bytes_read.max(at as u64);
    out.stats.evicted = reasm.evicted;
    if reasm.evicted > 0 {
        let text = TextRef::new("diag.scan.evicted").arg("n", reasm.evicted.to_string()).arg("max", MAX_LIVE.to_string()).arg("held", (MAX_HELD >> 20).to_string());
        out.stats.diagnostics.push(Diagnostic::warning(0, text));
    }
    let (conns, udp, diags) = reasm.finish();
    out.stats.diagnostics.extend(diags);
    // Nothing more to store: buffers handed back now are dropped.
    let mut done = Reassembler::streaming(0, 0);
    for c in conns {
        submit(Job::End(c), keys.update(&src.keylog), out, &mut done)?;
    }
    Ok((udp, keys.update(&src.keylog)))
}

/// QUIC connections (and, with `--all`, other UDP flows), after the TCP ones.
fn udp_lines(
    (udp, keys): (Vec<crate::net::UdpFlow>, Arc<Vec<Entry>>),
    kind: &'static str,
    opts: &ScanOptions,
    out: &mut Out<'_, '_>,
) -> std::io::Result<()> {
    for f in &udp {
        if let Some((cap, quic)) = crate::quic::flow_capture(f, kind, &keys) {
            let lean = Options { summary_only: true, ..opts.explain.clone() };
            let (conn, diagnostics, _) = crate::explain_capture(f.stream, &cap, quic.as_ref(), &keys, &lean);
            let mut line = ScanLine::from_connection(conn);
            line.diagnostics = diagnostics;
            line.first_frame = f.first_frame;
            line.last_frame = f.last_frame;
            line.packets = f.packets;
            line.bytes = Bytes { c2s: f.dir_bytes[0], s2c: f.dir_bytes[1] };
            out.line(Done::Line(line))?;
        } else if opts.all {
            out.line(Done::Line(ScanLine::from_flow(udp_flow(f))))?;
        }
    }
    Ok(())
}

/// The key log entries: given ones plus those of the Decryption Secrets Blocks read so far
/// (parsed again only when more came).
struct Keys {
    seen: usize,
    extra: String,
    entries: Arc<Vec<Entry>>,
}

impl Keys {
    fn update(&mut self, dsb: &str) -> Arc<Vec<Entry>> {
        if dsb.len() != self.seen {
            self.entries = Arc::new(keylog::parse(&format!("{}\n{dsb}", self.extra)));
            self.seen = dsb.len();
        }
        self.entries.clone()
    }
}

/// Read until `buf` holds at least `want` bytes or the input ends; true at the end.
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let chunk = READ_SIZE.max(want - buf.len());
        // `read_to_end` appends without zeroing the space first.
        if r.by_ref().take(chunk as u64).read_to_end(buf)? == 0 {
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
