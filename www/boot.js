// TLS Lens page: the first script. When the page opens on the default sample (no permalink in
// the fragment), the first explanation needs no wasm: `make wasm` writes the default sample's
// analysis beside the cores (pkg/default-<lang>.json, the CLI's `explain --json`, the same
// contract the worker returns), and this script fetches it with the sample while the page's
// modules load. app.js draws it, and starts the worker (and so the core's download) only when
// the reader does something: a click, a key, a drag, a focus. Without that file (the single-file
// build, an old build) or when a certificate in it is not valid by this browser's clock (the
// analysis depends on the date then), it starts the worker now and has it analyse the sample as
// soon as the core is up, as before; with a permalink it starts the worker now.
'use strict';
(() => {
  // The language app.js will pick (its initialLang): ?lang=, then the saved choice, then the browser's.
  let lang = new URLSearchParams(location.search).get('lang');
  try { lang = lang || localStorage.getItem('tls-lens.lang'); } catch { /* storage may be disabled */ }
  // (worker-client.js's browserLang; this classic script cannot import it.)
  if (!lang) lang = (navigator.languages || [navigator.language || 'en']).some((l) => /^zh\b/i.test(l)) ? 'zh' : 'en';
  const startWorker = () => {
    try {
      // The worker fetches the texts of that language while its core compiles.
      globalThis.TLS_LENS_EARLY_WORKER = new Worker(`worker.js?lang=${encodeURIComponent(lang)}`, { type: 'module' });
    } catch { /* app.js starts one */ }
    return globalThis.TLS_LENS_EARLY_WORKER;
  };
  if (location.hash.length > 1) {
    startWorker();
    return;
  }
  const early = { file: 'tls12-ecdhe-rsa.hex', lang, bytes: null, prerendered: false };
  early.text = fetch(`samples/${early.file}`, { cache: 'no-cache' }).then((r) => (r.ok ? r.text() : null), () => null);
  const json = globalThis.TLS_LENS_SAMPLES ? Promise.resolve(null)
    : fetch(`pkg/default-${encodeURIComponent(lang)}.json`, { cache: 'no-cache' }).then((r) => (r.ok ? r.json() : null), () => null);
  // Every certificate valid now: else the analysis would name today's date.
  const now = Date.now();
  const timeless = (result) => (result.connections || []).every((c) => (c.certificates || []).every((x) => Date.parse(x.not_before) <= now && now <= Date.parse(x.not_after)));
  // Settled as soon as the sample and the JSON are in: whether the first view is drawn from the
  // JSON (early.prerendered) is known then.
  early.decided = Promise.all([early.text, json]).then(([text, result]) => {
    if (text === null) return null;
    early.bytes = new TextEncoder().encode(text.trimEnd());
    early.prerendered = !!(result && result.schema && timeless(result));
    return early.prerendered ? result : null;
  }, () => null);
  early.reply = early.decided.then((result) => {
    if (result) return { id: 'boot', result, ms: 0, core: 'prerendered' };
    if (early.bytes === null) return null;
    const worker = startWorker();
    if (!worker) return null;
    return new Promise((resolve) => {
      worker.addEventListener('message', function got(e) {
        if (e.data.id !== 'boot') return;
        worker.removeEventListener('message', got);
        resolve(e.data);
      });
      worker.postMessage({ id: 'boot', op: 'analyze', bytes: early.bytes, lang });
    });
  });
  globalThis.TLS_LENS_EARLY = early;
})();
