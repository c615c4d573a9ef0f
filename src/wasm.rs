//! wasm-bindgen shim: the browser's face of `analyze`. Thin by design: all logic is in the core.

use wasm_bindgen::prelude::*;

use crate::{analyze, Lang, Options};

/// Analyse `input` (hex text or raw bytes) and return the `tls-lens/1` JSON object.
/// `lang` is "en" or "zh"; `keylog` (optional) is SSLKEYLOGFILE text for decryption. Never
/// throws for bad input: problems are in `diagnostics`. The lite core throws `NEEDS_FULL` for
/// input it cannot explain whole (a key log, QUIC, compressed certificates); either core says
/// so when it has not been given the language's texts (`setTexts`).
#[wasm_bindgen(js_name = analyze)]
pub fn analyze_js(input: &[u8], lang: &str, keylog: Option<String>) -> Result<JsValue, JsError> {
    answer(|| Ok(analyze(input, &Options { keylog: keylog.unwrap_or_default(), ..options(lang)? })))
}

/// What a core built without the `full` feature throws when the input needs the full one (a
/// key log, QUIC, compressed certificates): the page's worker then loads that and asks again.
pub const NEEDS_FULL: &str = "tls-lens: this input needs the full core";

/// "full", or "lite" for the page's first core (no decryption, QUIC or certificate compression).
#[wasm_bindgen]
pub fn core() -> String {
    if cfg!(feature = "full") { "full" } else { "lite" }.to_string()
}

/// Run one analysis and hand its answer to JavaScript, unless this core cannot give the whole
/// answer.
fn answer<T: Serialize>(run: impl FnOnce() -> Result<T, JsError>) -> Result<JsValue, JsError> {
    crate::needs_full_core();
    let v = run();
    // Before any error of its own: what the lite core could not see may be why it failed (it
    // only analyses, and an analysis never fails, but the order keeps that true if that changes).
    if crate::needs_full_core() {
        return Err(JsError::new(NEEDS_FULL));
    }
    to_js(&v?)
}

fn options(lang: &str) -> Result<Options, JsError> {
    let lang = Lang::parse(lang).unwrap_or_default();
    if !crate::explain::has_texts(lang) {
        return Err(JsError::new(&format!("tls-lens: the texts for \"{}\" are not loaded (setTexts)", lang.code())));
    }
    Ok(Options { lang, now: Some((js_sys::Date::now() / 1000.0) as i64), ..Default::default() })
}

/// Give the core the texts of a language: the contents of `pkg/texts-<lang>.tsv`
/// (`tls-lens texts <lang>`). Both page cores need them; a build with the `texts` feature has
/// them built in and ignores this.
/// The explanation as Markdown (a tutorial: summary table, Mermaid diagram, numbered steps; with
/// `fields`, each step's field table), for the page's *Copy as Markdown*. Only in the full core:
/// the lite one, on the page's first path, stays without it.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = markdown)]
pub fn markdown_js(input: &[u8], lang: &str, keylog: Option<String>, fields: bool) -> Result<String, JsError> {
    crate::needs_full_core();
    let a = analyze(input, &Options { keylog: keylog.unwrap_or_default(), ..options(lang)? });
    if crate::needs_full_core() {
        return Err(JsError::new(NEEDS_FULL));
    }
    Ok(crate::markdown::markdown(&a, fields))
}

/// A certificate's DER as its ASN.1 tree, for the page's *DER / ASN.1* view:
/// `{"nodes": [...], "error": {"offset", "code", ..., "message"} | null}` (offsets within `der`). Only in the
/// full core: the lite one, on the page's first path, stays without it.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = asn1)]
pub fn asn1_js(der: &[u8]) -> Result<JsValue, JsError> {
    let (nodes, error) = crate::x509::asn1::parse(der);
    #[derive(Serialize)]
    struct Tree {
        nodes: Vec<crate::x509::asn1::Node>,
        error: Option<crate::x509::asn1::Problem>,
    }
    to_js(&Tree { nodes, error })
}

/// The input's connections (or, with `stream`, one: tcp.stream, or udp.stream when `transport`
/// is "udp") as a pcapng capture with its key log in a Decryption Secrets Block, for the page's
/// *Download pcapng*. Only in the full core.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = pcapng)]
pub fn pcapng_js(input: &[u8], keylog: Option<String>, stream: Option<usize>, transport: Option<String>) -> Vec<u8> {
    let (tcp, udp) = match (stream, transport.as_deref()) {
        (Some(n), Some("udp")) => (None, Some(n)),
        (n, _) => (n, None),
    };
    let (a, keys) = crate::analyze_with_keys(input, &Options { only_stream: tcp, only_udp_stream: udp, keylog: keylog.unwrap_or_default(), ..Default::default() });
    crate::export::pcapng(&a, &keys)
}

#[wasm_bindgen(js_name = setTexts)]
pub fn set_texts(lang: &str, tsv: &str) -> Result<(), JsError> {
    let Some(lang) = Lang::parse(lang) else { return Err(JsError::new(&format!("tls-lens: no language \"{lang}\""))) };
    #[cfg(not(feature = "texts"))]
    crate::explain::set_texts(lang, tsv).map_err(|e| JsError::new(&e))?;
    let _ = (lang, tsv);
    Ok(())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

/// A big capture at a glance: one summary line per connection (`tls-lens scan`), read in
/// constant memory; `progress(done, total)` is called about every megabyte.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn overview(input: &[u8], lang: &str, progress: &js_sys::Function) -> Result<JsValue, JsError> {
    let total = JsValue::from_f64(input.len() as f64);
    answer(|| {
        Ok(crate::scan::overview(input, &options(lang)?, |done| {
            let _ = progress.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &total);
        }))
    })
}

/// Explain one connection of a capture, by its `stream` number: Wireshark's tcp.stream, or
/// udp.stream when `transport` is "udp" (QUIC).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = explainStream)]
pub fn explain_stream(input: &[u8], stream: usize, lang: &str, keylog: Option<String>, transport: Option<String>) -> Result<JsValue, JsError> {
    let (tcp, udp) = if transport.as_deref() == Some("udp") { (None, Some(stream)) } else { (Some(stream), None) };
    answer(|| Ok(analyze(input, &Options { only_stream: tcp, only_udp_stream: udp, keylog: keylog.unwrap_or_default(), ..options(lang)? })))
}

/// Compare the ClientHellos of connection `conn_a` of `a` and `conn_b` of `b` (`b` may be the
/// same input): the `tls-lens diff --json` object.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = diffHellos)]
pub fn diff_hellos(a: &[u8], conn_a: usize, b: &[u8], conn_b: usize, lang: &str, label_a: &str, label_b: &str) -> Result<JsValue, JsError> {
    answer(|| crate::fingerprint::diff::diff_inputs((label_a, a, conn_a), (label_b, b, conn_b), &options(lang)?).map_err(|e| JsError::new(&e)))
}

/// For wasm-bindgen-test: the same as `analyze` with a panic-free unwrap of the error path.
pub fn analyze_for_tests(input: &[u8], lang: &str) -> JsValue {
    analyze_js(input, lang, None).unwrap_or(JsValue::NULL)
}

/// The schema name this build speaks, e.g. "tls-lens/1".
#[wasm_bindgen]
pub fn schema() -> String {
    crate::model::SCHEMA.to_string()
}

use serde::Serialize;
