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

// Node's file system, to read the fuzz corpus from the source tree (the wasm tests run in Node).
#[wasm_bindgen::prelude::wasm_bindgen(module = "fs")]
extern "C" {
    #[wasm_bindgen(js_name = readdirSync, catch)]
    fn readdir_sync(path: &str) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(js_name = readFileSync)]
    fn read_file_sync(path: &str) -> js_sys::Uint8Array;
}

/// The committed fuzz corpus and past crashes of every target (fuzz/corpus, fuzz/regressions),
/// each file as an input through the wasm core, as the page would give it: a panic here aborts
/// the wasm instance and fails the test. tests/fuzz_corpus.rs replays the same files natively
/// through each target's own body.
#[wasm_bindgen_test]
fn the_fuzz_corpus_replays_through_the_wasm_core() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz");
    let mut n = 0;
    for kind in ["corpus", "regressions"] {
        let Ok(targets) = readdir_sync(&format!("{root}/{kind}")) else { continue };
        for target in targets.iter().filter_map(|t| t.as_string()) {
            let dir = format!("{root}/{kind}/{target}");
            let Ok(files) = readdir_sync(&dir) else { continue };
            for file in files.iter().filter_map(|f| f.as_string()).filter(|f| !f.ends_with(".md")) {
                let data = read_file_sync(&format!("{dir}/{file}")).to_vec();
                let v = tls_lens::wasm_analyze_for_tests(&data, if n % 2 == 0 { "en" } else { "zh" });
                assert_eq!(get(&v, "schema").as_string().as_deref(), Some("tls-lens/1"), "{kind}/{target}/{file}");
                n += 1;
            }
        }
    }
    assert!(n >= 1000, "only {n} corpus inputs: is fuzz/corpus there?");
}
