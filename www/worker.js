// TLS Lens worker: the wasm core runs here, off the page's main thread, so a big capture never
// freezes the page. Requests: {id, op: 'analyze' | 'overview' | 'explainStream' | 'diff', bytes?, stream?,
// transport?, lang} ('markdown', with fields?, answers the explanation as Markdown text; 'pcapng',
// with stream? and transport?, the bytes of a pcapng capture with the key log in it; 'asn1', with
// der, a certificate's ASN.1 tree). Replies: {id, progress: [done, total]} while reading, then {id, result, ms, core}
// or {id, error, fatal} (fatal: the core trapped and this worker must be replaced), in the order
// the requests came. The last input's bytes stay here so that
// picking another connection of a big capture does not copy them again.
//
// Two cores: the lite one (analyze only: no decryption, QUIC or certificate compression; about
// 45% smaller) is loaded first; when an input needs more (it throws NEEDS_FULL), comes with a key
// log, or is a big capture (listed with 'overview', then explained with 'explainStream': the full
// core's download is small beside it, and one core holds one copy of it), or for a learner's
// feature ('diff', 'markdown', 'pcapng', 'asn1'), the full one is loaded and answers from then
// on. Neither carries the texts: each is given those of the language asked for, fetched once
// (texts-<lang>.tsv).
import initLite, { analyze as analyzeLite, setTexts } from './pkg/tls_lens_lite.js';
import initFull, { analyze, overview, explainStream, diffHellos, markdown, pcapng, asn1, setTexts as setTextsFull } from './pkg/tls_lens.js';
import { browserLang } from './worker-client.js';

const NEEDS_FULL = 'tls-lens: this input needs the full core';
const LITE = { name: 'lite', analyze: analyzeLite, setTexts, texts: {} };
const FULL = { name: 'full', analyze, overview, explainStream, diffHellos, markdown, pcapng, asn1, setTexts: setTextsFull, texts: {} };

// A load that failed is tried again by the next request.
const retryable = (load) => {
  let p = null;
  return () => (p ??= load().catch((err) => {
    p = null;
    throw err;
  }));
};

// The single-file build puts the full core's bytes here and uses only that one, and the texts of
// both languages in TLS_LENS_TEXTS; else the glue fetches pkg/tls_lens_bg.wasm when it is first
// needed.
const single = globalThis.TLS_LENS_WASM;
const loadFull = retryable(() => initFull(single ? { module_or_path: single } : undefined).then(() => FULL));
const loadLite = retryable(() => initLite().then(() => LITE));
let fullOnly = !!single;

// The texts, per language: fetched beside the wasm once, given to each core that answers in it.
const code = (lang) => (/^(zh|cn|chinese)/i.test(lang || '') ? 'zh' : 'en');
const tsv = {};
const fetchTexts = (lang) => {
  tsv[lang] ??= retryable(() => {
    const built = globalThis.TLS_LENS_TEXTS && globalThis.TLS_LENS_TEXTS[lang];
    if (built) return Promise.resolve(built);
    return fetch(new URL(`pkg/texts-${lang}.tsv`, import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`texts-${lang}.tsv: HTTP ${r.status}`);
      return r.text();
    });
  });
  return tsv[lang]();
};
/** The core `load` gives, with the texts of `lang` given to it. */
const withTexts = (load, lang) => Promise.all([load(), fetchTexts(lang)]).then(([core, text]) => {
  if (!core.texts[lang]) {
    core.setTexts(lang, text);
    core.texts[lang] = true;
  }
  return core;
});
const loadTexts = (lang) => withTexts(loadLite, lang);
// Start at once: the lite core and the texts of the page's language (boot.js and app.js name it
// in the worker's URL).
if (!single) {
  const lang = new URL(self.location.href).searchParams.get('lang') || browserLang();
  loadTexts(code(lang)).catch(() => {});
}

/** The core for this request: the lite one while it can, else the full one. */
async function coreFor(d) {
  // (The lite core only analyses: the rest is made by the full core.)
  if (!fullOnly && !d.keylog && (d.op === 'analyze' || d.op === 'ping')) {
    try {
      return await loadTexts(code(d.lang));
    } catch {
      // The lite core or the texts did not load: try the full core.
    }
  }
  return withTexts(loadFull, code(d.lang));
}

function run(core, d, input) {
  if (d.op === 'ping') return true;
  if (d.op === 'overview') {
    let last = 0;
    return core.overview(input, d.lang, (done, total) => {
      const now = performance.now();
      if (now - last > 50 || done === total) {
        last = now;
        self.postMessage({ id: d.id, progress: [done, total] });
      }
    });
  }
  if (d.op === 'diff') return core.diffHellos(input, d.a, d.bytesB || input, d.b, d.lang, d.labelA, d.labelB);
  if (d.op === 'explainStream') return core.explainStream(input, d.stream, d.lang, d.keylog || undefined, d.transport || undefined);
  if (d.op === 'markdown') return core.markdown(input, d.lang, d.keylog || undefined, !!d.fields);
  if (d.op === 'asn1') return core.asn1(d.der);
  if (d.op === 'pcapng') return core.pcapng(input, d.keylog || undefined, d.stream ?? undefined, d.transport || undefined);
  return core.analyze(input, d.lang, d.keylog || undefined);
}

const needsFull = (err) => String(err && err.message ? err.message : err) === NEEDS_FULL;

let bytes = null;

async function handle(d) {
  try {
    if (d.bytes) bytes = d.bytes;
    const input = bytes;
    if (d.op === 'ping') {
      await (single ? loadFull() : loadLite());
      self.postMessage({ id: d.id, result: true, ms: 0 });
      return;
    }
    let core = await coreFor(d);
    let t0 = performance.now();
    let result;
    try {
      result = run(core, d, input);
    } catch (err) {
      if (core === FULL || !needsFull(err)) throw err;
      fullOnly = true;
      core = await withTexts(loadFull, code(d.lang));
      t0 = performance.now();
      result = run(core, d, input);
    }
    if (core === FULL) fullOnly = true;
    self.postMessage({ id: d.id, result, ms: performance.now() - t0, core: core.name });
  } catch (err) {
    // A trap in the core (a Rust panic is `unreachable`; running out of memory aborts the same
    // way) leaves its instance unusable: the page is told to start a fresh worker.
    const fatal = err instanceof WebAssembly.RuntimeError || err instanceof RangeError;
    self.postMessage({ id: d.id, error: String(err && err.message ? err.message : err), fatal });
  }
}

// One request at a time, in order: each sees the bytes that came with it or before it.
let queue = Promise.resolve();
self.onmessage = (e) => {
  queue = queue.then(() => handle(e.data));
};
