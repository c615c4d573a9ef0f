// TLS Lens page: the first script. When the page opens on the default sample (no permalink in
// the fragment), the first explanation needs no script at all: `make wasm` draws the default
// sample's first view into index.html (www/build/prerender.mjs, the page's own drawing of the
// core's answer, in English in the body and in Chinese in a template put in its place), and
// this script says whether that view is the one app.js would draw now (no permalink, its
// certificates valid by this browser's clock). If it is, it stays on screen and this script
// marks it painted (html[data-prerendered=kept]: its controls take no clicks yet); app.js draws
// it again, live, after that paint. If not, it is hidden (html[data-prerendered=off]) until
// app.js empties it and draws the page.
//
// The default sample's analysis, made at build time beside the cores (pkg/default-<lang>.json,
// the CLI's `explain --json`, the same contract the worker returns), is fetched here with the
// sample while the page's modules load. app.js draws it, and starts the worker (and so the
// core's download) only when the reader does something: a click, a key, a drag, a focus.
// Without that file (the single-file build, an old build) or when a certificate in it is not
// valid by this browser's clock (the analysis depends on the date then), it starts the worker
// now and has it analyse the sample as soon as the core is up, as before; with a permalink it
// starts the worker now.
'use strict';
(() => {
  // The language app.js will pick (its initialLang): ?lang=, then the saved choice, then the
  // browser's; a value that is not one of the page's languages (i18n.js's LANGS) is passed over.
  const known = (l) => l === 'en' || l === 'zh';
  let lang = new URLSearchParams(location.search).get('lang');
  if (!known(lang)) {
    try { lang = localStorage.getItem('tls-lens.lang'); } catch { /* storage may be disabled */ }
  }
  // (worker-client.js's browserLang; this classic script cannot import it.)
  if (!known(lang)) lang = (navigator.languages || [navigator.language || 'en']).some((l) => /^zh\b/i.test(l)) ? 'zh' : 'en';
  // A permalink (app.js's openLink): the input is in the fragment. Any other fragment (the
  // skip link's #steps) is not one.
  const link = (() => {
    const p = new URLSearchParams(location.hash.slice(1));
    return p.has('in') || p.has('sample');
  })();
  const root = document.documentElement;
  // The chosen theme before anything is painted (app.js's applyTheme keeps its control in step).
  let theme = new URLSearchParams(location.search).get('theme');
  try { theme = theme || localStorage.getItem('tls-lens.theme'); } catch { /* storage may be disabled */ }
  if (theme !== 'light' && theme !== 'dark') theme = null;
  if (theme) root.dataset.theme = theme;
  // The view drawn at build time (its <meta> comes before this script).
  const view = document.querySelector('meta[name="tls-lens-prerendered"]');
  if (view) {
    // The other languages' views wait in templates at the end of the body: once the document is
    // parsed (before a frame shows it: the body is not shown until then, style.css), the one
    // chosen below takes the body's place, and the templates go.
    document.addEventListener('readystatechange', () => {
      const other = root.dataset.prerendered === 'swap' && document.getElementById(`tls-lens-prerendered-${lang}`);
      if (other) {
        document.body.replaceChildren(other.content);
        root.lang = other.dataset.htmlLang;
        document.title = other.dataset.title;
        root.dataset.prerendered = 'kept';
      }
      for (const t of document.querySelectorAll('template[id^="tls-lens-prerendered-"]')) t.remove();
      // The view was drawn with the page's default theme: its control says the chosen one.
      const control = document.getElementById('theme');
      if (control && theme) control.value = theme;
    }, { once: true });
    const now = Date.now();
    const from = view.dataset.notBefore ? Date.parse(view.dataset.notBefore) : -Infinity;
    const until = view.dataset.notAfter ? Date.parse(view.dataset.notAfter) : Infinity;
    if (!link && (view.dataset.langs || '').split(' ').includes(lang) && from <= now && now <= until) {
      // Kept: until app.js has drawn it live, its controls do not take clicks (style.css). In
      // another language than the body's, the view waits in a template (above).
      root.dataset.prerendered = lang === view.dataset.lang ? 'kept' : 'swap';
      // Painted: after the first frame once the document is parsed (a task queued from
      // requestAnimationFrame runs after that frame's style, layout and paint).
      globalThis.TLS_LENS_VIEW = new Promise((resolve) => {
        const painted = () => requestAnimationFrame(() => setTimeout(() => {
          performance.mark('tls-lens:painted');
          resolve();
        }, 0));
        if (document.readyState === 'loading') document.addEventListener('readystatechange', painted, { once: true });
        else painted();
      });
    } else {
      root.dataset.prerendered = 'off';
    }
  }
  const startWorker = () => {
    try {
      // The worker fetches the texts of that language while its core compiles.
      globalThis.TLS_LENS_EARLY_WORKER = new Worker(`worker.js?lang=${encodeURIComponent(lang)}`, { type: 'module' });
    } catch { /* app.js starts one */ }
    return globalThis.TLS_LENS_EARLY_WORKER;
  };
  if (link) {
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
