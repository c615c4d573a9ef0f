// TLS Lens's page against The Illustrated TLS 1.3 Connection, side by side (issue 18): both served
// from loopback by the same server (`tls-lens serve`), loaded alternately in one headless
// Chromium, each load in a fresh context (a cold cache, as a new reader comes).
//
//   node tests/bench/page-vs-anchor.mjs [RUNS]        (default 7; needs make wasm, make cli)
//
// Reports medians, and writes them to tests/bench/out/page-vs-anchor.json:
// - painted: TLS Lens's first explanation on screen (its `tls-lens:painted` mark, set after the
//   frame that shows the default sample: the view prerendered into index.html, see boot.js)
//   against the anchor page loaded and painted (a mark set the same way after its load event),
//   in ms after navigation; and their ratio. live: when the page's scripts have drawn that view
//   again, live (`tls-lens:live`), i.e. when it answers the reader. painted_zh: the same page
//   opened by a browser whose language is Chinese (zh-CN), its Chinese view.
// - bytes: what each fetched, gzipped here (level 9) whatever the server sent, so both are
//   counted alike; TLS Lens's default view, and the default view plus a pasted TLS 1.3 handshake
//   (RFC 8448) explained.
// - paste -> painted: from clicking Explain on the pasted handshake (page warm: its worker and
//   core ready) to its explanation on screen, with the page's own marks for where the time goes.
// The anchor's directory: ANCHOR, else ../shared/anchors/illustrated-tls13-site beside the repo.
// This is a benchmark, not a test: it asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import net from 'node:net';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.argv[2] || 7);
const ANCHOR = resolve(process.env.ANCHOR || join(ROOT, '..', 'shared', 'anchors', 'illustrated-tls13-site'));
const TLS13 = readFileSync(join(ROOT, 'www', 'samples', 'tls13-rfc8448.hex'), 'utf8');

const freePort = () => new Promise((ok, bad) => {
  const s = net.createServer();
  s.on('error', bad);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

async function serve(dir) {
  const port = await freePort();
  const p = spawn(join(ROOT, 'target', 'release', 'tls-lens'), ['serve', dir, '--port', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return { p, url };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no server for ${dir}`);
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** One cold load: the gzipped bytes of every response, and the page's `mark` time. */
async function load(browser, url, mark, then = null, locale = 'en-US') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await context.newPage();
  const bodies = [];
  page.on('response', (r) => bodies.push(r.body().then((b) => gzipSync(b, { level: 9 }).length, () => 0)));
  if (mark === 'anchor:painted') {
    await page.addInitScript(() => addEventListener('load', () => requestAnimationFrame(() => setTimeout(() => performance.mark('anchor:painted'), 0))));
  }
  await page.goto(url);
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
  const t = await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark);
  // TLS Lens: its own live view painted (the same view, drawn by its scripts; see boot.js).
  let live = null;
  if (mark === 'tls-lens:painted') {
    await page.waitForFunction(() => performance.getEntriesByName('tls-lens:live').length > 0);
    live = await page.evaluate(() => performance.getEntriesByName('tls-lens:live')[0].startTime);
  }
  await page.waitForLoadState('networkidle');
  const view = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
  const out = { t, live, bytes: view };
  if (then) Object.assign(out, await then(page, bodies));
  await context.close();
  return out;
}

/** Paste the TLS 1.3 handshake and explain it: the bytes this adds, then warm repeats timed. */
async function pasteAndExplain(page, bodies) {
  const explain = () => page.evaluate(async (text) => {
    const input = document.querySelector('#input');
    input.value = text;
    input.dispatchEvent(new Event('input'));
    performance.clearMarks();
    const t0 = performance.now();
    // Done when the page has drawn it (its `tls-lens:rendered` mark) and the frame that shows
    // it has been painted.
    const done = new Promise((ok) => {
      const check = () => (performance.getEntriesByName('tls-lens:rendered').length ? setTimeout(ok, 0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    });
    document.querySelector('#explain').click();
    await done;
    const at = (m) => { const e = performance.getEntriesByName(m)[0]; return e ? e.startTime - t0 : null; };
    return { total: performance.now() - t0, analysed: at('tls-lens:analysed'), rendered: at('tls-lens:rendered') };
  }, TLS13);
  await explain();
  await page.waitForLoadState('networkidle');
  const withPaste = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    await page.fill('#input', '');
    runs.push(await explain());
  }
  return { withPaste, paste: runs };
}

if (!existsSync(join(ANCHOR, 'index.html'))) {
  console.error(`the anchor page is not at ${ANCHOR} (set ANCHOR)`);
  process.exit(2);
}
const ours = await serve(join(ROOT, 'www'));
const anchor = await serve(ANCHOR);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const r = { ours: [], anchor: [], zh: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    r.anchor.push(await load(browser, anchor.url, 'anchor:painted'));
    r.ours.push(await load(browser, ours.url, 'tls-lens:painted', i === 0 ? pasteAndExplain : null));
    r.zh.push(await load(browser, ours.url, 'tls-lens:painted', null, 'zh-CN'));
  }
} finally {
  await browser.close();
  ours.p.kill();
  anchor.p.kill();
}
const kb = (n) => Math.round(n / 1024);
const paste = r.ours[0].paste;
const summary = {
  runs: RUNS,
  painted_ms: { tls_lens: Math.round(median(r.ours.map((x) => x.t))), anchor: Math.round(median(r.anchor.map((x) => x.t))) },
  live_ms: Math.round(median(r.ours.map((x) => x.live))),
  // The same page opened by a Chinese browser (its view in Chinese; the anchor has none).
  painted_zh_ms: Math.round(median(r.zh.map((x) => x.t))),
  bytes_gzip_kb: { tls_lens_default_view: kb(median(r.ours.map((x) => x.bytes))), tls_lens_with_pasted_tls13: kb(r.ours[0].withPaste), anchor: kb(median(r.anchor.map((x) => x.bytes))) },
  paste_to_painted_ms: {
    total: Math.round(median(paste.map((x) => x.total))),
    analysed: Math.round(median(paste.map((x) => x.analysed ?? NaN))),
    rendered: Math.round(median(paste.map((x) => x.rendered ?? NaN))),
  },
};
summary.painted_ratio = +(summary.painted_ms.tls_lens / summary.painted_ms.anchor).toFixed(2);
summary.bytes_ratio_with_paste = +(summary.bytes_gzip_kb.tls_lens_with_pasted_tls13 / summary.bytes_gzip_kb.anchor).toFixed(2);
mkdirSync(join(HERE, 'out'), { recursive: true });
writeFileSync(join(HERE, 'out', 'page-vs-anchor.json'), JSON.stringify({ summary, raw: r }, null, 2));
console.log(JSON.stringify(summary, null, 2));
