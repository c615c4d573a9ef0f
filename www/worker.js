// TLS Lens worker: the wasm core runs here, off the page's main thread, so a big capture never
// freezes the page. Requests: {id, op: 'analyze' | 'overview' | 'explainStream' | 'diff', bytes?, stream?,
// transport?, lang}. Replies: {id, progress: [done, total]} while reading, then {id, result, ms} or
// {id, error}. The last input's bytes stay here so that picking another connection of a big
// capture does not copy them again.
import init, { analyze, overview, explainStream, diffHellos } from './pkg/tls_lens.js';

// The single-file build puts the wasm bytes here; else the glue fetches pkg/tls_lens_bg.wasm.
const ready = init(globalThis.TLS_LENS_WASM ? { module_or_path: globalThis.TLS_LENS_WASM } : undefined);
let bytes = null;

self.onmessage = async (e) => {
  const { id, op, lang } = e.data;
  try {
    await ready;
    if (e.data.bytes) bytes = e.data.bytes;
    const t0 = performance.now();
    let result;
    if (op === 'ping') {
      result = true;
    } else if (op === 'overview') {
      let last = 0;
      result = overview(bytes, lang, (done, total) => {
        const now = performance.now();
        if (now - last > 50 || done === total) {
          last = now;
          self.postMessage({ id, progress: [done, total] });
        }
      });
    } else if (op === 'diff') {
      const d = e.data;
      result = diffHellos(bytes, d.a, d.bytesB || bytes, d.b, lang, d.labelA, d.labelB);
    } else if (op === 'explainStream') {
      result = explainStream(bytes, e.data.stream, lang, e.data.keylog || undefined, e.data.transport || undefined);
    } else {
      result = analyze(bytes, lang, e.data.keylog || undefined);
    }
    self.postMessage({ id, result, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};
