//! wasm-bindgen shim: the browser's face of `analyze`. Thin by design: all logic is in the core.

use wasm_bindgen::prelude::*;

use crate::{analyze, Lang, Options};

/// Analyse `input` (hex text or raw bytes) and return the `tls-lens/1` JSON object.
/// `lang` is "en" or "zh". Never throws for bad input: problems are in `diagnostics`.
#[wasm_bindgen(js_name = analyze)]
pub fn analyze_js(input: &[u8], lang: &str) -> Result<JsValue, JsError> {
    let opts = Options {
        lang: Lang::parse(lang).unwrap_or_default(),
        now: Some((js_sys::Date::now() / 1000.0) as i64),
    };
    let analysis = analyze(input, &opts);
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    analysis.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

/// For wasm-bindgen-test: the same as `analyze` with a panic-free unwrap of the error path.
pub fn analyze_for_tests(input: &[u8], lang: &str) -> JsValue {
    analyze_js(input, lang).unwrap_or(JsValue::NULL)
}

/// The schema name this build speaks, e.g. "tls-lens/1".
#[wasm_bindgen]
pub fn schema() -> String {
    crate::model::SCHEMA.to_string()
}

use serde::Serialize;
