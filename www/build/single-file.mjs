// Builds one self-contained HTML file of the page (`make single` -> target/tls-lens.html) that
// works opened from file://: the CSS inlined, the ES modules joined into one inline module
// (each keeps its own scope), the worker and the wasm-bindgen glue in a Blob URL with the
// wasm base64-embedded, the samples embedded. Its Content-Security-Policy allows exactly the
// inline script and style by their SHA-256 hashes, wasm compilation and the blob: worker.
//
//   node www/build/single-file.mjs [out.html]
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(process.argv[2] || join(WWW, '..', 'target', 'tls-lens.html'));

/** One module's code as a function scope: imports become lookups, exports a returned object. */
function transform(file, code) {
  const deps = [];
  const exports = [];
  const lines = code.split('\n').map((line) => {
    let m;
    if ((m = line.match(/^import\s+(?:(\w+)\s*,\s*)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"];?\s*$/))) {
      const dep = resolve(dirname(file), m[3]);
      deps.push(dep);
      const names = m[2].split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.replace(/\s+as\s+/, ': '));
      if (m[1]) names.push(`default: ${m[1]}`);
      return `const { ${names.join(', ')} } = __m[${JSON.stringify(key(dep))}];`;
    }
    if ((m = line.match(/^import\s+['"]([^'"]+)['"];?\s*$/))) {
      deps.push(resolve(dirname(file), m[1]));
      return '';
    }
    if (/^import\s/.test(line)) throw new Error(`${file}: unsupported import: ${line}`);
    if ((m = line.match(/^export\s+((?:async\s+)?function\*?|const|let|class)\s+(\w+)/))) {
      exports.push([m[2], m[2]]);
      return line.replace(/^export\s+/, '');
    }
    if ((m = line.match(/^export\s*\{([^}]*)\};?\s*$/))) {
      for (const part of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        const [local, name = local] = part.split(/\s+as\s+/);
        exports.push([name, local]);
      }
      return '';
    }
    if ((m = line.match(/^export\s+default\s+(\w+);?\s*$/))) {
      exports.push(['default', m[1]]);
      return '';
    }
    if (/^export\s/.test(line)) throw new Error(`${file}: unsupported export: ${line}`);
    return line;
  });
  const ret = exports.map(([name, local]) => `${JSON.stringify(name)}: ${local}`).join(', ');
  return { deps, code: `__m[${JSON.stringify(key(file))}] = (() => {\n${lines.join('\n')}\nreturn { ${ret} };\n})();\n` };
}

const key = (file) => relative(WWW, file);

/** The module graph from `entry`, dependencies first. */
function bundle(entry) {
  const seen = new Set();
  const out = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const t = transform(file, readFileSync(file, 'utf8'));
    for (const d of t.deps) visit(d);
    out.push(t.code);
  };
  visit(entry);
  return 'const __m = {};\n' + out.join('\n');
}

const sha256 = (s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const b64 = (buf) => Buffer.from(buf).toString('base64');

// The worker: the wasm-bindgen glue and worker.js, with the wasm bytes in it.
const wasm = readFileSync(join(WWW, 'pkg', 'tls_lens_bg.wasm'));
// A classic worker (module workers from a blob: of a file:// page do not start in Chromium):
// the glue's import.meta.url is only used when no bytes are given; point it at the worker.
// The texts of both languages too: the core carries none (it is given them, see worker.js).
const texts = Object.fromEntries(['en', 'zh'].map((l) => [l, readFileSync(join(WWW, 'pkg', `texts-${l}.tsv`), 'utf8')]));
const workerCode = `globalThis.TLS_LENS_WASM = Uint8Array.from(atob(${JSON.stringify(b64(wasm))}), (c) => c.charCodeAt(0));\nglobalThis.TLS_LENS_TEXTS = ${JSON.stringify(texts)};\n` + bundle(join(WWW, 'worker.js')).replaceAll('import.meta.url', 'self.location.href');
if (process.env.DUMP_WORKER) writeFileSync(process.env.DUMP_WORKER, workerCode);

// The samples the menu offers, embedded.
const samples = {};
for (const f of readdirSync(join(WWW, 'samples'))) {
  if (!/\.(hex|txt|pcap|pcapng)$/.test(f)) continue;
  samples[f] = b64(readFileSync(join(WWW, 'samples', f)));
}

// "</script" may not appear inside an inline script; "<\/script" means the same in JS strings.
const page = (`globalThis.TLS_LENS_SAMPLES = ${JSON.stringify(samples)};
globalThis.TLS_LENS_WORKER_URL = URL.createObjectURL(new Blob([${JSON.stringify(workerCode)}], { type: 'text/javascript' }));
${bundle(join(WWW, 'app.js'))}`).replace(/<\/script/gi, '<\\/script');
const css = readFileSync(join(WWW, 'style.css'), 'utf8');

let html = readFileSync(join(WWW, 'page.html'), 'utf8');
const csp = `default-src 'none'; script-src ${sha256(page)} 'wasm-unsafe-eval'; worker-src blob:; style-src ${sha256(css)}; img-src data:; connect-src 'self' blob:; object-src 'none'; base-uri 'none'`;
html = html
  .replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace('<link rel="stylesheet" href="style.css">', () => `<style>${css}</style>`)
  .replace('<script type="module" src="app.bundle.js"></script>', () => `<script type="module">${page}</script>`)
  // Served pages start the worker early; here all of it is inline.
  .replace('<script src="boot.js"></script>', '');
if (html.includes('src="app.bundle.js"') || html.includes('href="style.css"') || html.includes('<script src="boot.js">')) throw new Error('page.html changed: the single-file build did not find what it replaces');
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, html);
console.log(`${relative(process.cwd(), OUT)}: ${(html.length / 1024).toFixed(0)} KB (wasm ${(wasm.length / 1024).toFixed(0)} KB)`);
