//! The CLI proper: the terminal face of the core. `explain FILE|-` prints the steps (colour on
//! a TTY) or, with `--json`, the `tls-lens/1` JSON the page gets from the wasm build.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tls_lens::model::{Analysis, Dir, Field, NoteSeverity, Severity};
use tls_lens::{analyze, Lang, Options};

#[derive(Parser)]
#[command(name = "tls-lens", version, about = "Explains TLS handshakes, message by message and byte by byte")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Explain the handshake in FILE (hex of TLS records, optionally marked C:/S: or >/<, or raw
    /// binary records); `-` reads standard input.
    Explain {
        file: String,
        /// Print the JSON contract (schema tls-lens/1) instead of text.
        #[arg(long)]
        json: bool,
        /// Output format: text (the default), json (as --json) or markdown (a tutorial: a summary
        /// table, a Mermaid sequence diagram, the numbered steps; with --fields, field tables).
        #[arg(long, default_value = "text")]
        format: String,
        /// Language of the explanations: en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Also print every message's field tree.
        #[arg(long, short)]
        fields: bool,
        /// Colour: auto, always, never.
        #[arg(long, default_value = "auto")]
        color: String,
        #[command(flatten)]
        pick: Pick,
        /// An SSLKEYLOGFILE with the connection's secrets: TLS 1.3 and 1.0-1.2 records are decrypted and
        /// their messages explained, Finished messages verified.
        #[arg(long)]
        keylog: Option<String>,
    },
    /// One JSON line per TLS connection of a capture (pcap, pcapng, or any input `explain`
    /// takes), in constant memory: the connection's summary, its messages, certificates and
    /// notes, and its traffic totals. Lines come as connections end; `stream` is Wireshark's
    /// tcp.stream number. A progress bar goes to stderr when it is a terminal.
    Scan {
        file: String,
        /// Also list UDP flows and TCP connections without TLS.
        #[arg(long)]
        all: bool,
        /// Language of the notes: en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Print a closing report (bytes, packets, connections, time) on stderr even when it
        /// is not a terminal.
        #[arg(long)]
        stats: bool,
        /// A table to read instead of JSON lines: stream, client, server, version, cipher suite,
        /// SNI, ALPN, JA4 and alerts, one row per TLS connection.
        #[arg(long)]
        table: bool,
        /// An SSLKEYLOGFILE: TLS 1.3 and 1.2 handshakes are decrypted for their summaries (ALPN,
        /// certificates). pcapng Decryption Secrets Blocks are used without it.
        #[arg(long)]
        keylog: Option<String>,
    },
    /// Compare the ClientHellos of two inputs (or two connections of one capture): versions,
    /// cipher suites, extensions and their order, groups, key shares, signature algorithms,
    /// ALPN, SNI, JA3 and JA4, with what the differences mean.
    Diff {
        a: String,
        b: String,
        /// Which connection of A (its `id`); default the first.
        #[arg(long, default_value_t = 0)]
        conn_a: usize,
        /// Which connection of B (its `id`); default the first.
        #[arg(long, default_value_t = 0)]
        conn_b: usize,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Write the input's connections as a pcapng capture for Wireshark or tshark: each
    /// connection's bytes as they travelled in synthetic TCP (or UDP) packets, with the key log
    /// (--keylog, and any in the input) in a Decryption Secrets Block so that they decrypt it
    /// without a separate file. Works for pasted hex, dumps, tool logs with wire bytes and
    /// captures.
    Export {
        file: String,
        /// The format written: pcapng (the only one).
        #[arg(long, default_value_t = true)]
        pcapng: bool,
        /// Where to write it; `-` or nothing writes to standard output when that is not a terminal.
        #[arg(long, short)]
        output: Option<String>,
        /// An SSLKEYLOGFILE: its entries for these connections go into the capture.
        #[arg(long)]
        keylog: Option<String>,
        #[command(flatten)]
        pick: Pick,
    },
    /// Print each certificate's DER as its ASN.1 tree, as `openssl asn1parse` does: the offset in
    /// the certificate, depth, header and content lengths, tag and value (OIDs by name), and
    /// where the certificate lies in the connection's bytes. Values inside OCTET and BIT
    /// STRINGs that hold DER (extensions, keys, signatures) are opened too, marked with `>`.
    Asn1 {
        file: String,
        /// Only this connection (its `id`).
        #[arg(long)]
        conn: Option<usize>,
        /// Only this certificate of the chain (0 is the server's own).
        #[arg(long)]
        cert: Option<usize>,
        /// An SSLKEYLOGFILE, for certificates a TLS 1.3 handshake encrypts.
        #[arg(long)]
        keylog: Option<String>,
        /// The trees as JSON: [{"connection", "certificate", "offset", "subject", "nodes"}].
        #[arg(long)]
        json: bool,
    },
    /// Serve a directory (the web page in www/) on 127.0.0.1 for local use and browser tests.
    Serve {
        #[arg(default_value = "www")]
        dir: String,
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Print the explanation texts of a language (en or zh), one `key<TAB>text` line each:
    /// `make wasm` writes them to www/pkg/texts-<lang>.tsv for the page's lite core.
    #[command(hide = true)]
    Texts { lang: String },
}

/// Which connection of the input (`explain`, `export`).
#[derive(clap::Args)]
struct Pick {
    /// Only this connection (its `id`, as listed for pcap/pcapng input).
    #[arg(long)]
    conn: Option<usize>,
    /// Only the connection with this Wireshark tcp.stream number (as `scan` prints it); the
    /// other connections of a big capture are not even stored.
    #[arg(long)]
    stream: Option<usize>,
    /// Only the QUIC or DTLS connection with this Wireshark udp.stream number.
    #[arg(long)]
    udp_stream: Option<usize>,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Serve { dir, port } => match crate::serve::run(&dir, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tls-lens: serve: {e}");
                ExitCode::from(2)
            }
        },
        Cmd::Diff { a, b, conn_a, conn_b, json, lang } => diff(&a, &b, conn_a, conn_b, json, &lang),
        Cmd::Texts { lang } => match tls_lens::Lang::parse(&lang) {
            Some(l) => match std::io::Write::write_all(&mut std::io::stdout(), tls_lens::explain::texts_tsv(l).as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("tls-lens: texts: {e}");
                    ExitCode::from(2)
                }
            },
            None => {
                eprintln!("tls-lens: texts: no language {lang:?} (en or zh)");
                ExitCode::from(2)
            }
        },
        Cmd::Scan { file, all, lang, stats, table, keylog } => match keylog.map(std::fs::read_to_string).transpose() {
            Ok(k) => scan(&file, all, &lang, stats, table, k.unwrap_or_default()),
            Err(e) => {
                eprintln!("tls-lens: cannot read the key log: {e}");
                ExitCode::from(2)
            }
        },
        Cmd::Asn1 { file, conn, cert, keylog, json } => asn1(&file, conn, cert, keylog.as_deref(), json),
        Cmd::Export { file, pcapng: _, output, keylog, pick } => export(&file, output.as_deref(), keylog.as_deref(), pick),
        Cmd::Explain { file, json, format, lang, fields, color, pick: Pick { conn, stream, udp_stream }, keylog } => {
            let Some(lang) = Lang::parse(&lang) else {
                eprintln!("tls-lens: unknown language {lang:?} (use en or zh)");
                return ExitCode::from(2);
            };
            if !matches!(format.as_str(), "text" | "json" | "markdown" | "md") {
                eprintln!("tls-lens: unknown format {format:?} (use text, json or markdown)");
                return ExitCode::from(2);
            }
            let (input, keylog) = match input_and_keylog(&file, keylog.as_deref()) {
                Ok(v) => v,
                Err(code) => return code,
            };
            let mut a = analyze(&input, &Options { lang, now: now(), only_stream: stream, only_udp_stream: udp_stream, keylog, ..Default::default() });
            if let Some(n) = conn {
                if n >= a.connections.len() {
                    eprintln!("tls-lens: there is no connection {n} (the input has {})", a.connections.len());
                    return ExitCode::from(2);
                }
                a.connections.retain(|c| c.id == n);
                a.diagnostics.retain(|d| d.connection.is_none_or(|c| c == n));
            }
            let mut out = std::io::stdout().lock();
            let res = if json || format == "json" {
                serde_json::to_writer_pretty(&mut out, &a).map_err(std::io::Error::other).and_then(|_| writeln!(out))
            } else if format == "markdown" || format == "md" {
                out.write_all(tls_lens::markdown::markdown(&a, fields).as_bytes())
            } else {
                let colour = match color.as_str() {
                    "always" => true,
                    "never" => false,
                    _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                };
                print_text(&mut out, &a, fields, colour)
            };
            if let Err(e) = res {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("tls-lens: {e}");
                    return ExitCode::from(2);
                }
            }
            // Non-zero only when nothing could be parsed.
            if a.connections.iter().all(|c| c.messages.is_empty()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn now() -> Option<i64> {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as i64)
}

fn scan(file: &str, all: bool, lang: &str, want_stats: bool, table: bool, keylog: String) -> ExitCode {
    use tls_lens::scan::{scan_json, ScanOptions, ScanStats};
    let Some(lang) = Lang::parse(lang) else {
        eprintln!("tls-lens: unknown language {lang:?} (use en or zh)");
        return ExitCode::from(2);
    };
    let (reader, total): (Box<dyn Read>, Option<u64>) = if file == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        match std::fs::File::open(file) {
            Ok(f) => {
                let len = f.metadata().ok().map(|m| m.len());
                (Box::new(f), len)
            }
            Err(e) => {
                eprintln!("tls-lens: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let tty = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let mut last_draw = started;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let opts = ScanOptions { explain: Options { lang, now: now(), keylog, ..Default::default() }, all };
    // Lines come as JSON text, serialized by the thread that finished them.
    let emit = |line: &[u8]| out.write_all(line);
    let progress = |done: u64, s: &ScanStats| {
        if !tty || last_draw.elapsed().as_millis() < 150 {
            return;
        }
        last_draw = std::time::Instant::now();
        let mb = |b: u64| b as f64 / 1e6;
        let pct = total.filter(|&t| t > 0).map(|t| format!(" {:3.0}%", 100.0 * done as f64 / t as f64)).unwrap_or_default();
        let of = total.map(|t| format!(" / {:.1}", mb(t))).unwrap_or_default();
        eprint!("\r\x1b[2Kscan: {:.1}{of} MB{pct}, {} packets, {} TLS connections done", mb(done), s.packets, s.tls_connections);
    };
    let res = if table {
        drop(emit);
        let w = |key: &str| tls_lens::explain::word(lang, key);
        let head: Vec<String> = ["stream", "client", "server", "version", "suite", "sni", "alpn", "ja4", "alerts"].iter().map(|k| w(&format!("@word.cli.table.{k}"))).collect();
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let res = writeln!(out, "{}", table_row(&head.iter().map(String::as_str).collect::<Vec<_>>()))
            .and_then(|_| tls_lens::scan::scan(reader, &opts, |l| if l.tls { writeln!(out, "{}", table_line(l)) } else { Ok(()) }, progress));
        res.and_then(|s| out.flush().map(|_| s))
    } else {
        scan_json(reader, &opts, emit, progress)
    };
    let res = res.and_then(|s| out.flush().map(|_| s));
    if tty {
        eprint!("\r\x1b[2K");
    }
    match res {
        Ok(s) => {
            for d in &s.diagnostics {
                eprintln!("tls-lens: {}: {}", if d.severity == Severity::Error { "error" } else { "warning" }, d.message);
            }
            if tty || want_stats {
                let secs = started.elapsed().as_secs_f64();
                eprintln!(
                    "scan: {} ({}), {:.1} MB in {:.2} s ({:.0} MB/s), {} packets, {} TLS connections, {} other flows, at most {:.1} MB held",
                    file,
                    s.kind,
                    s.bytes_read as f64 / 1e6,
                    secs,
                    s.bytes_read as f64 / 1e6 / secs.max(1e-9),
                    s.packets,
                    s.tls_connections,
                    s.other_flows,
                    s.peak_held as f64 / 1e6
                );
            }
            if s.tls_connections == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls-lens: scan: {e}");
            ExitCode::from(2)
        }
    }
}

fn diff(a: &str, b: &str, conn_a: usize, conn_b: usize, json: bool, lang: &str) -> ExitCode {
    let Some(lang) = Lang::parse(lang) else {
        eprintln!("tls-lens: unknown language {lang:?} (use en or zh)");
        return ExitCode::from(2);
    };
    let opts = Options { lang, now: now(), ..Default::default() };
    let mut inputs = Vec::new();
    for file in [a, b] {
        match read_input(file) {
            Ok(b) => inputs.push(b),
            Err(e) => {
                eprintln!("tls-lens: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let label = |f: &str, n: usize| if a == b { format!("{f} #{n}") } else { f.to_string() };
    let d = match tls_lens::fingerprint::diff::diff_inputs((&label(a, conn_a), &inputs[0], conn_a), (&label(b, conn_b), &inputs[1], conn_b), &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tls-lens: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let res = if json {
        serde_json::to_writer_pretty(&mut out, &d).map_err(std::io::Error::other).and_then(|_| writeln!(out))
    } else {
        (|| -> std::io::Result<()> {
            let w = |key: &str| tls_lens::explain::word(lang, key);
            // A list under a label, wrapped at 100 columns with a hanging indent.
            let list = |out: &mut std::io::StdoutLock<'_>, label: String, values: &[String]| -> std::io::Result<()> {
                let pad: usize = label.chars().map(columns).sum::<usize>() + 4;
                let width = 100usize.saturating_sub(pad).max(30);
                // Lines break between values, never inside one ("0x1303 TLS_CHACHA20_…").
                let mut lines: Vec<String> = Vec::new();
                for (k, v) in values.iter().enumerate() {
                    let item = if k + 1 < values.len() { format!("{v},") } else { v.clone() };
                    match lines.last_mut() {
                        Some(l) if l.chars().map(columns).sum::<usize>() + 1 + item.chars().map(columns).sum::<usize>() <= width => {
                            l.push(' ');
                            l.push_str(&item);
                        }
                        _ => lines.push(item),
                    }
                }
                if lines.is_empty() {
                    lines.push("—".into());
                }
                for (k, l) in lines.iter().enumerate() {
                    if k == 0 {
                        writeln!(out, "  {label}: {l}")?;
                    } else {
                        writeln!(out, "{}{l}", " ".repeat(pad))?;
                    }
                }
                Ok(())
            };
            writeln!(out, "A: {}\nB: {}\n", d.a, d.b)?;
            for i in &d.items {
                let state = if i.same {
                    tls_lens::explain::render(lang, &tls_lens::model::TextRef::new("word.cli.diff.same").arg("n", i.a.len().to_string()), None)
                } else if i.reordered {
                    w("@word.cli.diff.reordered")
                } else {
                    w("@word.cli.diff.differs")
                };
                writeln!(out, "{:<22} {state}", i.field)?;
                // An identical list once; two lists and what only one has when they differ (a
                // single value, such as a fingerprint, is not repeated as "only in").
                if i.same || i.reordered {
                    if i.same && !i.a.is_empty() {
                        list(&mut out, "A = B".into(), &i.a)?;
                    }
                    if i.reordered {
                        list(&mut out, "A".into(), &i.a)?;
                        list(&mut out, "B".into(), &i.b)?;
                    }
                    continue;
                }
                list(&mut out, "A".into(), &i.a)?;
                list(&mut out, "B".into(), &i.b)?;
                if i.a.len() > 1 || i.b.len() > 1 {
                    if !i.only_a.is_empty() {
                        list(&mut out, w("@word.cli.diff.only_a"), &i.only_a)?;
                    }
                    if !i.only_b.is_empty() {
                        list(&mut out, w("@word.cli.diff.only_b"), &i.only_b)?;
                    }
                }
            }
            if !d.notes.is_empty() {
                writeln!(out)?;
                for n in &d.notes {
                    for (k, l) in wrap(n, 96).iter().enumerate() {
                        writeln!(out, "{} {l}", if k == 0 { "*" } else { " " })?;
                    }
                }
            }
            Ok(())
        })()
    };
    match res {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("tls-lens: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        Ok(b)
    } else {
        std::fs::read(file)
    }
}

struct Paint(bool);

impl Paint {
    fn p(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn print_text(out: &mut impl Write, a: &Analysis, fields: bool, colour: bool) -> std::io::Result<()> {
    let c = Paint(colour);
    // Every label in the output's language (the texts word.cli.*).
    let lang = tls_lens::Lang::parse(a.lang).unwrap_or_default();
    let w = |key: &str| tls_lens::explain::word(lang, key);
    let head = tls_lens::model::TextRef::new("word.cli.head").arg("bytes", a.input.bytes.to_string()).arg("dirs", format!("@word.cli.dirs.{}", a.input.directions));
    writeln!(out, "{}", c.p("1", &format!("TLS Lens — {}: {} ({})", w("@word.cli.input"), a.input.kind, tls_lens::explain::render(lang, &head, None))))?;
    if a.connections.len() > 1 {
        writeln!(out, "{} {}:", a.connections.len(), w("@word.cli.connections"))?;
        for c in &a.connections {
            let s = &c.summary;
            writeln!(
                out,
                "  #{:<3} {} -> {}  {}  {}  {}",
                c.id,
                c.client.as_deref().unwrap_or("?"),
                c.server.as_deref().unwrap_or("?"),
                s.sni.as_deref().unwrap_or("-"),
                s.version_name.as_deref().unwrap_or("-"),
                s.cipher_suite_name.as_deref().unwrap_or("-")
            )?;
        }
    }
    for conn in &a.connections {
        let s = &conn.summary;
        writeln!(out)?;
        if let (Some(cl), Some(sv)) = (&conn.client, &conn.server) {
            let which = match (conn.tcp_stream, conn.udp_stream, &conn.quic) {
                (_, Some(u), Some(q)) => format!(" ({}, udp.stream {u})", q.version_name),
                (_, Some(u), None) => format!(" (udp.stream {u})"),
                (Some(t), _, _) => format!(" (tcp.stream {t})"),
                _ => String::new(),
            };
            writeln!(out, "{}", c.p("1;7", &format!(" {} #{}: {cl} -> {sv}{which} ", w("@word.cli.connection"), conn.id)))?;
        }
        if let Some(q) = &conn.quic {
            let packets: Vec<String> = q.packets.iter().map(|(t, n)| format!("{n} {}", tls_lens::quic::packet_name(t).trim_start_matches("QUIC "))).collect();
            let quic = tls_lens::model::TextRef::new("word.cli.quic").arg("packets", packets.join(", ")).arg("opened", q.decrypted.to_string()).arg("dcid", q.original_dcid.clone());
            writeln!(out, "  {:<14}{}", "QUIC", tls_lens::explain::render(lang, &quic, None))?;
        }
        // Labels are padded to 14 columns (CJK characters count double on a terminal).
        let line = |k: &str, v: Option<String>| {
            let width: usize = k.chars().map(|ch| if ch as u32 >= 0x2e80 { 2 } else { 1 }).sum();
            format!("  {k}{}{}", " ".repeat(14usize.saturating_sub(width).max(1)), v.unwrap_or_else(|| "—".into()))
        };
        writeln!(out, "{}", c.p("1", &w("@word.cli.summary")))?;
        writeln!(out, "{}", line(&w("@word.cli.version"), s.version_name.clone()))?;
        let h = &conn.handshake;
        let mut kind = vec![w(&format!("@word.mode.{}", h.mode))];
        if h.hello_retry.is_some() {
            kind.push(w("@word.mode.hrr"));
        }
        if h.early_data != "none" {
            kind.push(w(&format!("@word.early.{}", h.early_data)));
        }
        if h.renegotiation {
            kind.push(w("@word.mode.renegotiation"));
        }
        if let Some(f) = &h.failure {
            let sender = match f.by {
                Some(Dir::C2S) => "@word.side.client",
                Some(Dir::S2C) => "@word.side.server",
                None => "@word.side.unknown",
            };
            let name = conn.alerts.get(f.alert).map_or("?", |a| a.name.as_str());
            kind.push(c.p("31", &tls_lens::explain::render(lang, &tls_lens::model::TextRef::new("word.mode.failed").arg("sender", sender).arg("name", name), None)));
        }
        writeln!(out, "{}", line(&w("@word.cli.handshake"), Some(kind.join(if lang == Lang::Zh { "，" } else { ", " }))))?;
        writeln!(out, "{}", line(&w("@word.cli.suite"), s.cipher_suite.map(|v| format!("0x{v:04x} {}", s.cipher_suite_name.clone().unwrap_or_default()))))?;
        writeln!(out, "{}", line(&w("@word.cli.kx"), s.key_exchange.clone().map(|k| match &s.group_name { Some(g) => format!("{k}, {g}"), None => k })))?;
        writeln!(out, "{}", line("SNI", s.sni.clone()))?;
        if let Some(t) = &s.timing {
            // Each clause only when its time is known.
            let part = |key: &str, v: Option<i64>| v.map(|v| tls_lens::explain::render(lang, &tls_lens::model::TextRef::new(key).arg("ms", tls_lens::model::millis(v)), None));
            let server = part("word.cli.timing.server", t.server_hello_us);
            let finished = part(if server.is_some() { "word.cli.timing.and_finished" } else { "word.cli.timing.finished" }, t.finished_us);
            let text = format!("{}{}{}", server.unwrap_or_default(), finished.unwrap_or_default(), w("@word.cli.timing.note"));
            writeln!(out, "{}", line(&w("@word.cli.timing"), Some(text)))?;
        }
        let chosen = match (&s.alpn, s.version) {
            (Some(a), _) => a.clone(),
            // TLS 1.3 sends the choice in EncryptedExtensions.
            (None, Some(0x0304)) if !s.alpn_offered.is_empty() => w("@word.cli.alpn_encrypted"),
            (None, _) => "—".into(),
        };
        writeln!(out, "{}", line("ALPN", Some(format!("{} [{}], {} {chosen}", w("@word.cli.offered"), s.alpn_offered.join(", "), w("@word.cli.chosen")))))?;
        if let Some(leaf) = conn.certificates.first() {
            writeln!(out, "{}", line(&w("@word.cli.certificate"), Some(leaf.subject.clone())))?;
            writeln!(out, "{}", line(&format!("  {}", w("@word.cli.issuer")), Some(leaf.issuer.clone())))?;
            writeln!(out, "{}", line(&format!("  {}", w("@word.cli.valid")), Some(format!("{} .. {}", leaf.not_before, leaf.not_after))))?;
        }
        writeln!(out)?;
        writeln!(out, "{}", c.p("1", &w("@word.cli.steps")))?;
        for m in &conn.messages {
            let dir = match m.dir {
                Some(Dir::C2S) => c.p("36", &w("@word.cli.c2s")),
                Some(Dir::S2C) => c.p("35", &w("@word.cli.s2c")),
                None => w("@word.cli.dir_unknown"),
            };
            let inferred = if m.dir_inferred { "*" } else { "" };
            let name = if m.encrypted { format!("{} {}", m.name, w("@word.cli.encrypted")) } else if m.decrypted { format!("{} {}", m.name, w("@word.cli.decrypted")) } else { m.name.clone() };
            let at = if m.span.len > 0 { c.p("2", &format!("@{}+{}", m.span.offset, m.span.len)) } else { String::new() };
            // The capture time of the packet that completed it (captures only).
            let at = match m.time_us {
                Some(t) => format!("{at}  {}", c.p("2", &tls_lens::explain::render(lang, &tls_lens::model::TextRef::new("word.cli.ms").arg("ms", tls_lens::model::millis(t)), None))),
                None => at,
            };
            writeln!(out, "{:>3}. {dir}{inferred} {}  {at}", m.step, c.p("1", &name))?;
            writeln!(out, "     {}", c.p("4", &m.title))?;
            for l in wrap(&m.explanation, 92) {
                writeln!(out, "     {l}")?;
            }
            if fields {
                print_fields(out, &m.fields, 2, &c)?;
            }
        }
        if conn.messages.iter().any(|m| m.dir_inferred) {
            writeln!(out, "  * {}", w("@word.cli.inferred"))?;
        }
        if !conn.key_schedule.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", c.p("1", &w("@word.cli.key_schedule")))?;
            for g in &conn.key_schedule {
                writeln!(out, "  {}  ({})", c.p("1", &g.name), g.source)?;
                for v in &g.values {
                    // Padded by the columns a terminal gives it (a Chinese name's characters take two).
                    let pad = 22usize.saturating_sub(v.name.chars().map(columns).sum());
                    writeln!(out, "    {}{:pad$}{}", v.name, "", if v.hex.is_empty() { "—" } else { &v.hex })?;
                    writeln!(out, "    {:<22}{}", "", c.p("2", &v.formula))?;
                    if let Some(cmd) = &v.command {
                        writeln!(out, "    {:<22}$ {cmd}", "")?;
                    }
                }
            }
        }
        if !conn.notes.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", c.p("1", &w("@word.cli.notes")))?;
            for n in &conn.notes {
                let (code, label) = match n.severity {
                    NoteSeverity::Info => ("34", w("@word.cli.info")),
                    NoteSeverity::Warning => ("33", w("@word.cli.warning")),
                    NoteSeverity::Danger => ("31", w("@word.cli.danger")),
                };
                let tag = c.p(code, &label);
                // Continuation lines start under the text, after "  [tag] ".
                let indent = 5 + label.chars().map(columns).sum::<usize>();
                for (k, l) in wrap(&n.text, 97usize.saturating_sub(indent).max(40)).iter().enumerate() {
                    if k == 0 {
                        writeln!(out, "  [{tag}] {l}")?;
                    } else {
                        writeln!(out, "{}{l}", " ".repeat(indent))?;
                    }
                }
            }
        }
    }
    if !a.diagnostics.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", c.p("1", &w("@word.cli.diagnostics")))?;
        for d in &a.diagnostics {
            let tag = match d.severity {
                Severity::Error => c.p("31", &w("@word.cli.error")),
                Severity::Warning => c.p("33", &w("@word.cli.warning")),
            };
            let conn = d.connection.map(|c| format!("{} #{c}, ", w("@word.cli.connection_no"))).unwrap_or_default();
            writeln!(out, "  [{tag}] {conn}{} {}: {}", w("@word.cli.offset"), d.offset, d.message)?;
        }
    }
    Ok(())
}

fn print_fields(out: &mut impl Write, fields: &[Field], depth: usize, c: &Paint) -> std::io::Result<()> {
    for f in fields {
        writeln!(out, "{:indent$}{} = {}  {}", "", c.p("32", &f.name), f.value, c.p("2", &format!("@{}+{}", f.span.offset, f.span.len)), indent = depth * 3)?;
        // The field's note, wrapped under it (dimmed), as the page shows it.
        if let Some(note) = f.note.as_deref().filter(|n| !n.is_empty()) {
            let indent = depth * 3 + 2;
            for l in wrap(note, 97usize.saturating_sub(indent).max(40)) {
                writeln!(out, "{:indent$}{}", "", c.p("2", &l))?;
            }
        }
        print_fields(out, &f.children, depth + 1, c)?;
    }
    Ok(())
}

/// Word-wrap on spaces; CJK text without spaces is cut by characters.
/// Column widths of `scan --table` (the last column, alerts, is not cut).
const TABLE: [usize; 8] = [9, 21, 21, 8, 40, 24, 10, 36];

/// One row of `scan --table`: each cell cut to its column ("…" where it was cut) and padded
/// (in terminal columns, so Chinese headings line up).
fn table_row(cells: &[&str]) -> String {
    let mut row = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let Some(&w) = TABLE.get(i) else {
            row.push_str(cell);
            break;
        };
        let mut used = 0;
        let mut text = String::new();
        let total: usize = cell.chars().map(columns).sum();
        for ch in cell.chars() {
            if total > w && used + columns(ch) > w - 1 {
                text.push('…');
                used += 1;
                break;
            }
            text.push(ch);
            used += columns(ch);
        }
        row.push_str(&text);
        row.push_str(&" ".repeat(w.saturating_sub(used) + 1));
    }
    row.trim_end().to_string()
}

/// The input's bytes and the key log's text (empty without one), or the exit code after saying
/// which could not be read.
fn input_and_keylog(file: &str, keylog: Option<&str>) -> Result<(Vec<u8>, String), ExitCode> {
    let input = read_input(file).map_err(|e| {
        eprintln!("tls-lens: cannot read {file}: {e}");
        ExitCode::from(2)
    })?;
    let keylog = keylog.map(std::fs::read_to_string).transpose().map_err(|e| {
        eprintln!("tls-lens: cannot read the key log: {e}");
        ExitCode::from(2)
    })?;
    Ok((input, keylog.unwrap_or_default()))
}

/// `tls-lens asn1`: every certificate's (or one's) ASN.1 tree, in openssl asn1parse's layout.
fn asn1(file: &str, conn: Option<usize>, cert: Option<usize>, keylog: Option<&str>, json: bool) -> ExitCode {
    use tls_lens::x509::asn1::{parse, Node};
    let (input, keylog) = match input_and_keylog(file, keylog) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let a = analyze(&input, &Options { keylog, ..Default::default() });
    fn lines(out: &mut Vec<String>, nodes: &[Node], depth: usize) {
        for n in nodes {
            let mark = if n.encapsulated { ">" } else { " " };
            // As openssl asn1parse would say it: the size of opaque bytes, then the value.
            let size = |b: usize| if b == 1 { "1 byte".to_string() } else { format!("{b} bytes") };
            let value = match (n.bytes, n.unused_bits, n.value.as_deref()) {
                (Some(b), Some(u), _) => format!("  {}, {u} unused bits", size(b)),
                (Some(b), None, Some(v)) => format!("  {}: {v}", size(b)),
                (Some(b), None, None) => format!("  {}", size(b)),
                (None, _, Some(v)) => format!("  {v}"),
                (None, _, None) => String::new(),
            };
            out.push(format!("{:>5}:d={depth:<2} hl={} l={:>4} {}:{mark}{}{}{value}", n.offset, n.header, n.len, if n.constructed { "cons" } else { "prim" }, " ".repeat(depth), n.tag));
            if let Some(e) = &n.error {
                out.push(format!("       error: {e}"));
            }
            lines(out, &n.children, depth + 1);
        }
    }
    let mut found = Vec::new();
    for c in a.connections.iter().filter(|c| conn.is_none_or(|n| c.id == n)) {
        for (k, x) in c.certificates.iter().enumerate().filter(|(k, _)| cert.is_none_or(|n| *k == n)) {
            // The DER's pieces (split where the message spans records).
            let hex: String = x.pieces.iter().filter_map(|p| c.stream.hex.get(2 * p.offset..2 * p.end())).collect();
            let der: Vec<u8> = (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
            let (nodes, err) = parse(&der);
            found.push((c.id, k, x, nodes, err, der.len()));
        }
    }
    if found.is_empty() {
        eprintln!("tls-lens: {file}: no certificate found (in TLS 1.3 they are encrypted: give the key log with --keylog)");
        return ExitCode::from(1);
    }
    let mut out = std::io::stdout().lock();
    let res = if json {
        let v: Vec<serde_json::Value> = found
            .iter()
            .map(|(c, k, x, nodes, err, _)| serde_json::json!({"connection": c, "certificate": k, "offset": x.span.offset, "subject": x.subject, "nodes": nodes, "error": err}))
            .collect();
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::other).and_then(|_| writeln!(out))
    } else {
        let mut text = Vec::new();
        for (c, k, x, nodes, err, len) in &found {
            text.push(format!("Connection #{c}, certificate {k}: {} ({len} bytes of DER at offset {} of the connection)", x.subject, x.span.offset));
            lines(&mut text, nodes, 0);
            if let Some(p) = err {
                text.push(format!("  error at byte {}: {}", p.offset, p.message));
            }
            text.push(String::new());
        }
        out.write_all(text.join("\n").as_bytes())
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls-lens: asn1: {e}");
            ExitCode::from(2)
        }
    }
}

/// `tls-lens export`: the analysis's connections (or one) as pcapng, with their key log entries.
fn export(file: &str, output: Option<&str>, keylog: Option<&str>, Pick { conn, stream, udp_stream }: Pick) -> ExitCode {
    let (input, keylog) = match input_and_keylog(file, keylog) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let to_stdout = matches!(output, None | Some("-"));
    if to_stdout && std::io::stdout().is_terminal() {
        eprintln!("tls-lens: a pcapng capture is binary: write it with -o FILE or redirect standard output");
        return ExitCode::from(2);
    }
    let (mut a, mut keys) = tls_lens::analyze_with_keys(&input, &Options { only_stream: stream, only_udp_stream: udp_stream, keylog, ..Default::default() });
    if let Some(n) = conn {
        a.connections.retain(|c| c.id == n);
        // RSA entries cannot be told apart by connection: none go with one picked connection.
        keys.retain(|(id, _)| *id == Some(n));
    }
    if a.connections.iter().all(|c| c.stream.hex.is_empty()) {
        eprintln!("tls-lens: {file}: no connection with bytes to write (a log without bytes, such as curl -v, cannot be written as packets)");
        return ExitCode::from(1);
    }
    let bytes = tls_lens::export::pcapng(&a, &keys);
    let res = match output {
        Some(path) if path != "-" => std::fs::write(path, &bytes),
        _ => std::io::stdout().lock().write_all(&bytes),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls-lens: export: {e}");
            ExitCode::from(2)
        }
    }
}

/// A TLS connection of `scan` as a table row.
fn table_line(l: &tls_lens::scan::ScanLine) -> String {
    let s = l.summary.as_ref();
    let or = |v: Option<&String>| v.cloned().unwrap_or_else(|| "-".into());
    let alerts: Vec<String> = l.alerts.iter().map(|a| a.name.clone()).collect();
    let stream = format!("{} {}", l.transport, l.stream);
    let alpn = s.and_then(|s| s.alpn.as_ref());
    let cells = [
        stream,
        l.client.clone(),
        l.server.clone(),
        or(s.and_then(|s| s.version_name.as_ref())),
        or(s.and_then(|s| s.cipher_suite_name.as_ref())),
        or(s.and_then(|s| s.sni.as_ref())),
        or(alpn),
        or(s.and_then(|s| s.ja4.as_ref())),
        if alerts.is_empty() { "-".into() } else { alerts.join(", ") },
    ];
    table_row(&cells.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Terminal columns of a character: CJK ideographs, kana, hangul and full-width forms take two.
fn columns(ch: char) -> usize {
    match ch as u32 {
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f | 0xff00..=0xff60 | 0xffe0..=0xffe6 => 2,
        _ => 1,
    }
}

/// Punctuation that must not begin a line (it closes what is before it) and that must not end one.
fn closes(ch: char) -> bool {
    matches!(ch, '，' | '。' | '、' | '；' | '：' | '！' | '？' | '）' | '」' | '』' | '》' | '】' | ',' | '.' | ';' | ':' | ')' | ']' | '!' | '?')
}
fn opens(ch: char) -> bool {
    matches!(ch, '（' | '「' | '『' | '《' | '【')
}

/// Pieces of `s` a line may break between, each with whether a space stood before it: words are
/// kept whole, and (as in UAX #14 for ideographs) a line may break before any Chinese character
/// except closing punctuation, and never right after opening punctuation.
fn pieces(s: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut prev: Option<char> = None;
    for ch in s.chars() {
        if ch == ' ' {
            space = true;
            prev = None;
            continue;
        }
        let wide = columns(ch) == 2;
        let joins = match (out.last(), prev) {
            (Some(_), Some(p)) if !space => closes(ch) || opens(p) || (!wide && columns(p) == 1),
            _ => false,
        };
        match out.last_mut() {
            Some((_, piece)) if joins => piece.push(ch),
            _ => out.push((space, ch.to_string())),
        }
        space = false;
        prev = Some(ch);
    }
    out
}

/// Lines of at most `width` terminal columns, broken at spaces and between Chinese characters; a
/// word longer than a line is broken between characters.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for (space, piece) in pieces(s) {
        let w: usize = piece.chars().map(columns).sum();
        let gap = usize::from(space && cur_w > 0);
        if cur_w > 0 && cur_w + gap + w > width {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0;
        } else if gap == 1 {
            cur.push(' ');
            cur_w += 1;
        }
        for ch in piece.chars() {
            if cur_w + columns(ch) > width {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(ch);
            cur_w += columns(ch);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{columns, table_row, wrap};

    /// Chinese takes two terminal columns a character (East Asian Width "W"): a wrapped line of
    /// Chinese text holds half as many characters as one of ASCII.
    #[test]
    fn wrapped_lines_fit_the_terminal_in_both_languages() {
        let zh = "服务器要求客户端用证书证明自己的身份（双向 TLS）。它接受的证书类型为 rsa_sign, dss_sign, ecdsa_sign；客户端的证书以及它的 CertificateVerify 都必须使用这里列出的签名方案之一签名。";
        for l in wrap(zh, 40) {
            assert!(l.chars().map(columns).sum::<usize>() <= 40, "{l}");
        }
        assert_eq!(wrap("服务器要求客户端", 8), vec!["服务器要", "求客户端"]);
        // A line breaks between Chinese characters, not only at spaces, so each line is filled;
        // closing punctuation stays with what it closes, opening punctuation with what follows.
        assert_eq!(wrap("双向 TLS）。它接受的证书", 10), vec!["双向", "TLS）。它", "接受的证书"]);
        assert_eq!(wrap("证书（双向）", 6), vec!["证书", "（双", "向）"]);
        assert_eq!(wrap("类型为 rsa_sign，客户端", 12), vec!["类型为", "rsa_sign，客", "户端"]);
        let lines = wrap(zh, 40);
        for l in &lines[..lines.len() - 1] {
            assert!(l.chars().map(columns).sum::<usize>() >= 36, "{lines:?}");
        }
        for l in &lines {
            assert!(!l.starts_with(['，', '。', '）', '；']), "{l}");
        }
        assert_eq!(wrap("abc def ghi", 7), vec!["abc def", "ghi"]);
        assert_eq!(columns('（'), 2);
        assert_eq!(columns('a'), 1);
    }

    /// `scan --table` cells are cut to their column with "…" and padded in terminal columns.
    #[test]
    fn table_cells_are_cut_and_aligned() {
        let row = table_row(&["tcp 12", "127.0.0.1:50000", "127.0.0.1:443", "TLS 1.3", "TLS_AES_128_GCM_SHA256", "a-very-long-server-name.example.com", "h2", "t13d1516h2_8daaf6152771_02713d6af862", "close_notify"]);
        assert!(row.starts_with("tcp 12    127.0.0.1:50000       127.0.0.1:443         TLS 1.3  TLS_AES_128_GCM_SHA256"), "{row}");
        assert!(row.contains(" a-very-long-server-name… h2 "), "{row}");
        assert!(row.ends_with("t13d1516h2_8daaf6152771_02713d6af862 close_notify"), "{row}");
        let zh = table_row(&["流", "客户端"]);
        assert_eq!(zh, format!("流{}客户端", " ".repeat(9 - 2 + 1)));
    }
}
