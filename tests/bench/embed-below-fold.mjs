// A tutorial page with three <tls-lens> elements below the fold, against the same page without
// them (issue 18): does the element delay the host page's own first paint, and what does it
// fetch for elements the reader never scrolls to? Both pages are served from loopback by the
// same server (`tls-lens serve www`, the article given by a route), loaded alternately in one
// headless Chromium, each load in a fresh context (a cold cache).
//
//   node tests/bench/embed-below-fold.mjs [RUNS]     (default 9; needs make wasm, make cli)
//
// Reports medians of first-contentful-paint and of the load event, their ratios, and the files
// the page with elements fetched; writes tests/bench/out/embed-below-fold.json. This is a
// benchmark, not a test: it asserts nothing (browser test s2 checks what is fetched).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.argv[2] || 9);

const freePort = () => new Promise((ok, bad) => {
  const s = net.createServer();
  s.on('error', bad);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

const port = await freePort();
const server = spawn(join(ROOT, 'target', 'release', 'tls-lens'), ['serve', join(ROOT, 'www'), '--port', String(port)], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}/`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 100));
}

/** An article of about 12,000 words' height; with `lens`, three elements far below the fold. */
function article(lens) {
  const para = (i) => `<p>Paragraph ${i}: a TLS handshake starts with a ClientHello that offers versions, cipher suites and key shares; the server answers with its choice, its certificate and a signature over the transcript.</p>`;
  const block = (from) => Array.from({ length: 40 }, (_, i) => para(from + i)).join('\n');
  const el = (attrs) => (lens ? `<tls-lens ${attrs}></tls-lens>` : '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>An article</title><style>body{font:18px/1.6 Georgia,serif;max-width:42em;margin:2em auto}</style>
${lens ? '<script type="module" src="tls-lens.js"></script>' : ''}</head><body><main><h1>How a TLS handshake works</h1>
${block(0)}${el('src="samples/tls12-ecdhe-rsa.hex"')}${block(40)}${el('src="samples/tls13-rfc8448.hex" compact')}${block(80)}${el('json="pkg/default-en.json" compact')}${block(120)}
</main></body></html>`;
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function load(browser, lens) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.route(base + 'article.html', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: article(lens) }));
  await page.goto(base + 'article.html', { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  const t = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    load: performance.getEntriesByType('navigation')[0].loadEventStart,
  }));
  await context.close();
  return { ...t, fetched: fetched.filter((p) => p !== '/article.html') };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const r = { without: [], with: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    r.without.push(await load(browser, false));
    r.with.push(await load(browser, true));
  }
} finally {
  await browser.close();
  server.kill();
}
const m = (side, k) => +median(r[side].map((x) => x[k])).toFixed(1);
const summary = {
  runs: RUNS,
  first_contentful_paint_ms: { without_elements: m('without', 'fcp'), with_three_below_the_fold: m('with', 'fcp') },
  load_event_ms: { without_elements: m('without', 'load'), with_three_below_the_fold: m('with', 'load') },
  fetched_with_elements_never_scrolled_to: r.with[0].fetched,
};
summary.fcp_ratio = +(summary.first_contentful_paint_ms.with_three_below_the_fold / summary.first_contentful_paint_ms.without_elements).toFixed(2);
summary.load_ratio = +(summary.load_event_ms.with_three_below_the_fold / summary.load_event_ms.without_elements).toFixed(2);
mkdirSync(join(HERE, 'out'), { recursive: true });
writeFileSync(join(HERE, 'out', 'embed-below-fold.json'), JSON.stringify({ summary, raw: r }, null, 2));
console.log(JSON.stringify(summary, null, 2));
