// TLS Lens worker: the wasm core runs here, off the page's main thread, so a big capture never
// freezes the page. Requests: {id, op: 'analyze' | 'overview' | 'explainStream' | 'diff', bytes?, stream?,
// transport?, lang}. Replies: {id, progress: [done, total]} while reading, then {id, result, ms, core}
// or {id, error}. The last input's bytes stay here so that picking another connection of a big
// capture does not copy them again.
//
// Two cores: the lite one (no decryption, QUIC or certificate compression, and its texts fetched
// for the language asked for: 40% smaller) is loaded first; when an input needs more (it throws
// NEEDS_FULL) or comes with a key log, the full one is loaded and answers from then on.
import initLite, { analyze as analyzeLite, overview as overviewLite, explainStream as explainStreamLite, diffHellos as diffHellosLite, setTexts } from './pkg/tls_lens_lite.js';
import initFull, { analyze, overview, explainStream, diffHellos } from './pkg/tls_lens.js';

const NEEDS_FULL = 'tls-lens: this input needs the full core';
const LITE = { name: 'lite', analyze: analyzeLite, overview: overviewLite, explainStream: explainStreamLite, diffHellos: diffHellosLite };
const FULL = { name: 'full', analyze, overview, explainStream, diffHellos };

// The single-file build puts the full core's bytes here and uses only that one; else the glue
// fetches pkg/tls_lens_bg.wasm when it is first needed.
let full = null;
const loadFull = () => (full ??= initFull(globalThis.TLS_LENS_WASM ? { module_or_path: globalThis.TLS_LENS_WASM } : undefined).then(() => FULL));
const lite = globalThis.TLS_LENS_WASM ? null : initLite();
let current = lite ? lite.then(() => LITE) : loadFull();
let bytes = null;

// The lite core's texts, per language: fetched once, beside the wasm.
const texts = {};
const loadTexts = (lang) => (texts[lang] ??= Promise.all([lite, fetch(new URL(`pkg/texts-${lang}.tsv`, import.meta.url))]).then(async ([, r]) => {
  if (!r.ok) throw new Error(`texts-${lang}.tsv: HTTP ${r.status}`);
  setTexts(lang, await r.text());
}));
// The page's likely language, fetched while the wasm compiles.
if (lite) loadTexts((self.navigator.languages || []).some((l) => /^zh\b/i.test(l)) ? 'zh' : 'en').catch(() => {});

function run(core, d, id) {
  if (d.op === 'ping') return true;
  if (d.op === 'overview') {
    let last = 0;
    return core.overview(bytes, d.lang, (done, total) => {
      const now = performance.now();
      if (now - last > 50 || done === total) {
        last = now;
        self.postMessage({ id, progress: [done, total] });
      }
    });
  }
  if (d.op === 'diff') return core.diffHellos(bytes, d.a, d.bytesB || bytes, d.b, d.lang, d.labelA, d.labelB);
  if (d.op === 'explainStream') return core.explainStream(bytes, d.stream, d.lang, d.keylog || undefined, d.transport || undefined);
  return core.analyze(bytes, d.lang, d.keylog || undefined);
}

const needsFull = (err) => String(err && err.message ? err.message : err) === NEEDS_FULL;

self.onmessage = async (e) => {
  const d = e.data;
  try {
    let core = await current;
    if (d.bytes) bytes = d.bytes;
    // The lite core explains in a language once it has its texts (else the full one does).
    if (core === LITE && d.op !== 'ping') core = await loadTexts(d.lang === 'zh' ? 'zh' : 'en').then(() => LITE, () => (current = loadFull()));
    // A key log is there to decrypt: only the full core can.
    if (d.keylog && core !== FULL) core = await (current = loadFull());
    let t0 = performance.now();
    let result;
    try {
      result = run(core, d, d.id);
    } catch (err) {
      if (core === FULL || !needsFull(err)) throw err;
      core = await (current = loadFull());
      t0 = performance.now();
      result = run(core, d, d.id);
    }
    self.postMessage({ id: d.id, result, ms: performance.now() - t0, core: core.name });
  } catch (err) {
    self.postMessage({ id: d.id, error: String(err && err.message ? err.message : err) });
  }
};
