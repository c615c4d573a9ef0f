// `make package`: the embeddable part of the page as an npm package in dist/ (issue 20): the
// <tls-lens> element and what it loads (its renderers, the worker, both wasm cores, the texts),
// a package.json with `exports`, TypeScript declarations for the element (written here) and for
// the wasm API (written by wasm-bindgen from the last wasm build, the full core's; the lite core
// exports the same functions but markdown, pcapng and asn1).
//
//   node www/build/package.mjs [OUT_DIR]        (default dist/; needs make wasm first)
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(WWW, '..');
const OUT = resolve(process.argv[2] || join(ROOT, 'dist'));

const cargo = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8');
const field = (k) => (new RegExp(`^${k}\\s*=\\s*"([^"]*)"`, 'm').exec(cargo) || [])[1];

// What the element imports, directly or through the worker.
const FILES = [
  'tls-lens.js', 'i18n.js', 'worker.js', 'worker-client.js', 'style.css',
  'render/dom.js', 'render/steps.js', 'render/card.js', 'render/flow.js', 'render/hexview.js',
  'pkg/tls_lens.js', 'pkg/tls_lens_bg.wasm', 'pkg/tls_lens_lite.js', 'pkg/tls_lens_lite_bg.wasm',
  'pkg/texts-en.tsv', 'pkg/texts-zh.tsv',
];
for (const f of FILES) if (!existsSync(join(WWW, f))) throw new Error(`www/${f} is missing: run make wasm first`);

rmSync(OUT, { recursive: true, force: true });
for (const f of FILES) {
  mkdirSync(dirname(join(OUT, f)), { recursive: true });
  copyFileSync(join(WWW, f), join(OUT, f));
}

// The wasm API's declarations, from wasm-bindgen (the same version that built the cores).
const wasm = join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'tls_lens.wasm');
const tmp = join(tmpdir(), `tls-lens-dts-${process.pid}`);
execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', tmp, '--out-name', 'tls_lens', wasm], { stdio: 'inherit' });
const dts = readFileSync(join(tmp, 'tls_lens.d.ts'), 'utf8');
writeFileSync(join(OUT, 'pkg', 'tls_lens.d.ts'), dts);
const fullOnly = (d, name) => d.replace(new RegExp(`/\\*\\*(?:(?!\\*/)[\\s\\S])*?\\*/\\s*export function ${name}\\([^;]*;\\n?`), '');
writeFileSync(join(OUT, 'pkg', 'tls_lens_lite.d.ts'), `// The lite core (no decryption, QUIC or certificate compression) exports the same functions but\n// overview, explainStream, diffHellos, markdown, pcapng and asn1.\n${['overview', 'explainStream', 'diffHellos', 'markdown', 'pcapng', 'asn1'].reduce(fullOnly, dts)}`);
rmSync(tmp, { recursive: true, force: true });

// The element's declarations: its attributes, properties and events.
writeFileSync(join(OUT, 'tls-lens.d.ts'), `// <tls-lens>: an explained TLS handshake (see README.md).
/** Attributes (all optional): */
export interface TlsLensAttributes {
  /** The input as text (hex, a dump, a tool log); the element's own text is used when absent. */
  hex?: string;
  /** URL of a capture (pcap, pcapng) or dump, fetched by the reader's browser. */
  src?: string;
  /** URL of \`tls-lens explain --json\` output: shown as it is, with no WebAssembly. */
  json?: string;
  /** URL of an SSLKEYLOGFILE for the input: its records are decrypted. */
  keylog?: string;
  lang?: 'en' | 'zh';
  /** The step shown first (1 = the first message). */
  step?: string;
  /** Which connection of a capture (0 = the first). */
  conn?: string;
  /** Only the sequence diagram and each step's explanation (a boolean attribute). */
  compact?: '' | boolean;
  theme?: 'light' | 'dark';
  /** lazy (default): start when near the viewport; eager: at once. */
  loading?: 'lazy' | 'eager';
}

export declare class TlsLensElement extends HTMLElement {
  /** Set the input from script: bytes (a capture) or text (any dump the core reads). */
  set input(value: Uint8Array | string);
  /** The analysis shown (the JSON contract tls-lens/1), once loaded. */
  readonly result: unknown;
}

declare global {
  interface HTMLElementTagNameMap {
    'tls-lens': TlsLensElement;
  }
}
`);

const pkg = {
  name: 'tls-lens',
  version: field('version'),
  description: 'An explained TLS handshake for web pages: the <tls-lens> custom element, its worker and WebAssembly cores (everything runs in the reader\'s browser)',
  license: field('license'),
  type: 'module',
  main: './tls-lens.js',
  types: './tls-lens.d.ts',
  exports: {
    '.': { types: './tls-lens.d.ts', default: './tls-lens.js' },
    './worker.js': './worker.js',
    './style.css': './style.css',
    './pkg/tls_lens.js': { types: './pkg/tls_lens.d.ts', default: './pkg/tls_lens.js' },
    './pkg/tls_lens_lite.js': { types: './pkg/tls_lens_lite.d.ts', default: './pkg/tls_lens_lite.js' },
    './pkg/*': './pkg/*',
  },
  files: [...FILES, 'tls-lens.d.ts', 'pkg/tls_lens.d.ts', 'pkg/tls_lens_lite.d.ts', 'README.md'],
  sideEffects: ['./tls-lens.js'],
};
writeFileSync(join(OUT, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(OUT, 'README.md'), `# tls-lens

An explained TLS handshake for your page: every message and field of the reader's own bytes, in
English or Simplified Chinese, all in the reader's browser (Rust compiled to WebAssembly).

\`\`\`html
<script type="module" src="/node_modules/tls-lens/tls-lens.js"></script>
<tls-lens src="/captures/tls12.pcap" step="3"></tls-lens>
<tls-lens json="/captures/tls13.json" compact></tls-lens>
\`\`\`

Serve the package's files as they are (\`.wasm\` as application/wasm): the element loads its worker,
cores and texts from beside itself. Attributes: src, hex, json, keylog, lang, step, conn, compact,
theme, loading (see tls-lens.d.ts). The wasm API (analyze, overview, explainStream, diffHellos,
setTexts, schema) is in pkg/tls_lens.js. Built by \`make package\` from ${field('name')} ${field('version')}.
`);
console.log(`${OUT}: ${readdirSync(OUT).length} entries, package tls-lens ${pkg.version}`);
