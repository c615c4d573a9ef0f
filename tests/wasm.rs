//! wasm-bindgen-test for the shim: runs the compiled wasm (in Node) and checks that the JS
//! object it returns is the `tls-lens/1` contract.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

// RFC 8448 §3 ClientHello record (tests/data/corpus/rfc8448/simple-1rtt.c2s.hex, first line).
const RFC8448_CH: &str = include_str!("data/corpus/rfc8448/simple-1rtt.c2s.hex");

#[wasm_bindgen_test]
fn analyze_returns_the_contract_object() {
    let first = RFC8448_CH.lines().next().unwrap_or_default();
    let v = tls_lens::wasm_analyze_for_tests(first.as_bytes(), "en");
    assert_eq!(get(&v, "schema").as_string().as_deref(), Some("tls-lens/1"));
    let conns = js_sys::Array::from(&get(&v, "connections"));
    assert_eq!(conns.length(), 1);
    let summary = get(&conns.get(0), "summary");
    assert_eq!(get(&summary, "sni").as_string().as_deref(), Some("server"));
    let msgs = js_sys::Array::from(&get(&conns.get(0), "messages"));
    assert_eq!(get(&msgs.get(0), "name").as_string().as_deref(), Some("ClientHello"));
    // Maps must arrive as plain objects (json_compatible), not JS Map.
    assert!(get(&summary, "cipher_suites_offered").is_array());
}

#[wasm_bindgen_test]
fn bad_input_is_a_diagnostic_not_an_exception() {
    let v = tls_lens::wasm_analyze_for_tests(b"16 03 zz", "zh");
    assert_eq!(get(&v, "lang").as_string().as_deref(), Some("zh"));
    let diags = js_sys::Array::from(&get(&v, "diagnostics"));
    assert!(diags.length() >= 1);
}
