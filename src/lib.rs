//! TLS Lens core: bytes -> capture -> records -> messages -> explanation.
//! `analyze` is the one entry point; the CLI (`main.rs`) and the wasm shim (`wasm.rs`) are thin
//! faces over it.
#![forbid(unsafe_code)]

pub mod explain;
pub mod input;
pub mod model;
pub mod net;
pub mod reader;
pub mod registry;
pub mod scan;
pub mod tls;
pub mod x509;

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use wasm::analyze_for_tests as wasm_analyze_for_tests;

pub use explain::Lang;
pub use model::Analysis;

/// How to analyse and explain.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub lang: Lang,
    /// Current time (Unix seconds) for "is this certificate valid now" notes; the wasm shim
    /// passes the browser's clock, the CLI the system clock. None: no such notes.
    pub now: Option<i64>,
    /// Only what a summary needs (for `scan`): messages keep their names and spans but get no
    /// titles, explanations or fields, and `stream.hex` stays empty.
    pub summary_only: bool,
}

/// Analyse input bytes (hex text or binary TLS records) and explain every message.
/// Never panics on any input; problems come back as `diagnostics`.
pub fn analyze(input: &[u8], opts: &Options) -> Analysis {
    let inp = input::read(input);
    let mut diagnostics = inp.diagnostics;
    let several = inp.captures.len() > 1 || matches!(inp.kind, "pcap" | "pcapng");
    let mut connections = Vec::new();
    for (id, cap) in inp.captures.iter().enumerate() {
        let tls = tls::parse(cap);
        let conn_diags = cap.diagnostics.iter().chain(tls.diagnostics.iter()).cloned();
        diagnostics.extend(conn_diags.map(|mut d| {
            if several {
                d.connection = Some(id);
            }
            d
        }));
        connections.push(explain::connection(id, cap, tls, opts));
    }
    let directions = match inp.captures.first() {
        None => "none",
        Some(c) if c.marked => "marked",
        Some(_) => "inferred",
    };
    Analysis {
        schema: model::SCHEMA,
        lang: opts.lang.code(),
        input: model::InputInfo { kind: inp.kind.to_string(), bytes: input.len(), directions },
        connections,
        other_flows: inp.other_flows,
        diagnostics,
    }
}

/// Analysis as the JSON contract (`tls-lens/1`).
pub fn analyze_json(input: &[u8], opts: &Options) -> String {
    serde_json::to_string_pretty(&analyze(input, opts)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
