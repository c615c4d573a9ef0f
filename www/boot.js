// TLS Lens page: the first script. It starts the worker (and so the download and compilation of
// the wasm core) while the page's modules are still loading; app.js takes this worker over.
'use strict';
try {
  globalThis.TLS_LENS_EARLY_WORKER = new Worker('worker.js', { type: 'module' });
} catch {
  // app.js starts one itself.
}
