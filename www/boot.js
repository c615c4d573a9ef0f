// TLS Lens page: the first script. It starts the worker (and so the download and compilation of
// the wasm core) while the page's modules are still loading; app.js takes this worker over.
// When the page opens on the default sample (no permalink in the fragment), it also fetches
// that sample now and has the worker analyse it as soon as the core is up: app.js uses that
// answer when it asks for the same bytes in the same language (else it asks again).
'use strict';
(() => {
  // The language app.js will pick (its initialLang): ?lang=, then the saved choice, then the browser's.
  let lang = new URLSearchParams(location.search).get('lang');
  try { lang = lang || localStorage.getItem('tls-lens.lang'); } catch { /* storage may be disabled */ }
  // (worker-client.js's browserLang; this classic script cannot import it.)
  if (!lang) lang = (navigator.languages || [navigator.language || 'en']).some((l) => /^zh\b/i.test(l)) ? 'zh' : 'en';
  let worker;
  try {
    // The worker fetches the texts of that language while its core compiles.
    worker = new Worker(`worker.js?lang=${encodeURIComponent(lang)}`, { type: 'module' });
  } catch {
    return;
  }
  globalThis.TLS_LENS_EARLY_WORKER = worker;
  if (location.hash.length > 1) return;
  const early = { file: 'tls12-ecdhe-rsa.hex', lang, bytes: null };
  early.text = fetch(`samples/${early.file}`, { cache: 'no-cache' }).then((r) => (r.ok ? r.text() : null), () => null);
  early.reply = early.text.then((text) => {
    if (text === null) return null;
    early.bytes = new TextEncoder().encode(text.trimEnd());
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
