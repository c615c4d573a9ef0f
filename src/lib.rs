//! TLS Lens core: bytes -> capture -> records -> messages -> explanation.
//! `analyze` is the one entry point; the CLI (`main.rs`) and the wasm shim (`wasm.rs`) are thin
//! faces over it.
#![forbid(unsafe_code)]

pub mod code;
pub mod crypto;
pub mod explain;
pub mod export;
pub mod fingerprint;
pub mod handshake;
pub mod input;
pub mod markdown;
pub mod model;
pub mod net;
pub mod quic;
pub mod reader;
pub mod registry;
pub mod scan;
pub mod tls;
pub mod wire;
pub mod x509;

#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod harness;
#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use wasm::analyze_for_tests as wasm_analyze_for_tests;

pub use explain::{Lang, Options};
pub use model::Analysis;

pub use model::needs_full_core;
#[cfg(not(feature = "full"))]
use model::want_full;


/// Analyse input bytes (hex text or binary TLS records) and explain every message.
/// Never panics on any input; problems come back as `diagnostics`.
pub fn analyze(input: &[u8], opts: &Options) -> Analysis {
    analyze_with_keys(input, opts).0
}

/// `analyze`, and the key log entries (from `opts.keylog` and the input's own, e.g. a pcapng
/// Decryption Secrets Block) that belong to its connections, each with the `id` of its
/// connection (by client random), or none for RSA entries (keyed by the encrypted premaster
/// secret, which the analysis does not tie to a connection).
pub fn analyze_with_keys(input: &[u8], opts: &Options) -> (Analysis, Vec<(Option<usize>, input::keylog::Entry)>) {
    let only = opts.only_stream.map(input::Only::Tcp).or(opts.only_udp_stream.map(input::Only::Udp));
    let mut inp = input::read_only(input, only);
    let keys = input::keylog::parse(&format!("{}\n{}", inp.keylog, opts.keylog));
    let udp = quic::add_udp(&mut inp, &keys);
    let mut diagnostics = std::mem::take(&mut inp.diagnostics);
    let several = inp.captures.len() + udp.len() > 1 || matches!(inp.kind, "pcap" | "pcapng") || only.is_some();
    let mut connections = Vec::new();
    let mut matched = std::collections::BTreeSet::new();
    let mut owners: Vec<(Vec<u8>, usize)> = Vec::new();
    // TCP connections first, then the UDP ones (QUIC, DTLS).
    let all = inp.captures.iter().map(|c| (c, None)).chain(udp.iter().map(|(c, q)| (c, q.as_ref())));
    for (id, (cap, quic)) in all.enumerate() {
        let (conn, conn_diags, random) = explain_capture(id, cap, quic, &keys, opts);
        if !conn.keylog.is_empty() {
            matched.insert(random.clone());
            owners.push((random, id));
        }
        diagnostics.extend(conn_diags.into_iter().map(|mut d| {
            if several {
                d.connection = Some(id);
            }
            d
        }));
        connections.push(conn);
    }
    let keylog = (!keys.is_empty()).then(|| {
        let randoms: std::collections::BTreeSet<&[u8]> = keys.iter().filter(|e| e.by_client_random()).map(|e| e.key.as_slice()).collect();
        if matched.is_empty() && !connections.is_empty() {
            diagnostics.push(model::Diagnostic::warning(0, model::TextRef::new("diag.keylog.unmatched").arg("randoms", randoms.len().to_string()).arg("conns", connections.len().to_string())));
        }
        model::KeylogInfo { entries: keys.len(), client_randoms: randoms.len(), matched: matched.len() }
    });
    explain::diagnostics(opts.lang, &mut diagnostics);
    let directions = match inp.captures.first().or(udp.first().map(|u| &u.0)) {
        None => "none",
        Some(c) if c.marked => "marked",
        Some(_) => "inferred",
    };
    let own = keys
        .into_iter()
        .filter_map(|e| if !e.by_client_random() { Some((None, e)) } else { owners.iter().find(|(r, _)| *r == e.key).map(|&(_, id)| (Some(id), e)) })
        .collect();
    let a = Analysis {
        schema: model::SCHEMA,
        lang: opts.lang.code(),
        input: model::InputInfo { kind: inp.kind.to_string(), bytes: input.len(), directions, keylog },
        connections,
        other_flows: inp.other_flows,
        diagnostics,
    };
    (a, own)
}

/// One capture through the whole pipeline: records and messages (with `quic`, the QUIC stage's
/// packets as steps among them), decryption when `keys` hold its secrets, explanation. Returns the connection and its diagnostics (offsets into its
/// stream), and its client random. `analyze` and `scan` both go through here. (Without the
/// `full` feature there is no decryption, QUIC or certificate decompression: such input is
/// marked for the full core instead.)
pub fn explain_capture(id: usize, cap: &input::Capture, quic: Option<&quic::QuicView>, keys: &[input::keylog::Entry], opts: &Options) -> (model::Connection, Vec<model::Diagnostic>, Vec<u8>) {
    #[cfg(not(feature = "full"))]
    let (tls, cap) = {
        let tls = tls::parse_lean(cap, opts.summary_only);
        if !keys.is_empty() || cap.quic || tls::certcomp::present(&tls) {
            want_full();
        }
        (tls, std::borrow::Cow::Borrowed(cap))
    };
    #[cfg(feature = "full")]
    let (tls, cap) = {
        // One walk: with secrets for it in the key log, protected records are opened as they
        // are met; certificates compressed with RFC 8879 are decompressed (TLS over TCP; the
        // QUIC walk does its own).
        let mut dec = if keys.is_empty() || cap.quic { None } else { Some(crypto::decrypt::Decryptor::new(keys)) };
        let walked = tls::walk(cap, opts.summary_only, dec.as_mut().map(|d| d as &mut dyn tls::Opener), !cap.quic);
        let cap = walked.cap.map_or(std::borrow::Cow::Borrowed(cap), std::borrow::Cow::Owned);
        let mut tls = walked.tls;
        if let Some(d) = dec {
            d.finish(&mut tls, &cap, &walked.map);
        }
        // QUIC (its packets walked with the key log's secrets in the QUIC stage): the Finished
        // messages the CRYPTO frames carried.
        if cap.quic && !keys.is_empty() {
            crypto::decrypt::verify_quic_finished(&mut tls, &cap, keys);
        }
        (tls, cap)
    };
    let cap = cap.as_ref();
    let mut tls = tls;
    if let Some(q) = quic {
        // The packets that carried the handshake are steps too.
        tls::add_steps(&mut tls, q.packets.clone());
        tls.quic = Some(q.summary.clone());
    }
    let random = tls.facts.client_hello.as_ref().map(|ch| ch.random.clone()).unwrap_or_default();
    let last = tls.facts.last_client_random.clone().unwrap_or_default();
    let mut labels: Vec<&'static str> = keys.iter().filter(|e| (!random.is_empty() && e.key == random) || (!last.is_empty() && e.key == last)).map(|e| e.label).collect();
    labels.dedup();
    let mut extra = Vec::new();
    if labels.contains(&"CLIENT_RANDOM") && tls.facts.version().is_some_and(|v| v < 0x0301) {
        extra.push((model::NoteSeverity::Info, model::TextRef::new("note.decrypt.ssl3")));
    }
    let mut diags: Vec<model::Diagnostic> = cap.diagnostics.iter().chain(tls.diagnostics.iter()).cloned().collect();
    explain::diagnostics(opts.lang, &mut diags);
    let hs = handshake::derive(&tls);
    let mut conn = explain::connection(id, cap, tls, hs, opts);
    for (sev, r) in extra {
        conn.notes.push(model::Note { severity: sev, text: explain::render(opts.lang, &r, None), span: None, text_ref: r });
    }
    conn.keylog = labels;
    let random = if !last.is_empty() && keys.iter().any(|e| e.key == last) { last } else { random };
    (conn, diags, random)
}

/// Analysis as the JSON contract (`tls-lens/1`).
pub fn analyze_json(input: &[u8], opts: &Options) -> String {
    serde_json::to_string_pretty(&analyze(input, opts)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
