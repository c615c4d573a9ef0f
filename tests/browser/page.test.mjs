// Browser tests for the TLS Lens page (www/), run with: node --test tests/browser/
// Needs: target/release/tls-lens (serves www/), www/pkg (make wasm), Chromium at /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { gzipSync, inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { marked } from 'marked';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = 'target/release/tls-lens';
const TLS12_SAMPLE = join(ROOT, 'www', 'samples', 'tls12-ecdhe-rsa.hex');
const TLS13_SAMPLE = join(ROOT, 'www', 'samples', 'tls13-rfc8448.hex');
const PCAP_SAMPLE = join(ROOT, 'www', 'samples', 'tls12-ecdhe-rsa.pcap');
const ARKIME_PCAP = join(ROOT, 'tests', 'data', 'corpus', 'arkime', 'pcap', 'arkime_synthetic.pcap');
const SPLIT_PCAP = join(ROOT, 'tests', 'data', 'corpus', 'arkime', 'pcap', 'tls-split-client-hello.pcap');
const OUT = join(HERE, 'out');

let server;
let browser;
let base;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => { req.destroy(); resolve(0); });
  });
}

async function waitForServer(url, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`tls-lens serve exited with ${server.exitCode}`);
    if ((await get(url)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer at ${url}`);
}

before(async () => {
  assert.ok(existsSync(join(ROOT, BIN)), `${BIN} is missing: build it first (make)`);
  for (const w of ['tls_lens_bg.wasm', 'tls_lens_lite_bg.wasm', 'texts-en.tsv', 'texts-zh.tsv']) assert.ok(existsSync(join(ROOT, 'www', 'pkg', w)), 'www/pkg is missing: run make wasm');
  const port = await freePort();
  server = spawn(BIN, ['serve', 'www', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  base = `http://127.0.0.1:${port}/`;
  await waitForServer(base);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) server.kill();
});

/** A fresh page, not yet navigated, that records console errors, page errors and requests. */
async function blankPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', ...opts });
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, consoleErrors, pageErrors, requests };
}

/** A fresh page on the site, ready. */
async function openPage(opts = {}) {
  const { context, page, consoleErrors, pageErrors, requests } = await blankPage(opts);
  await page.goto(base);
  await page.waitForSelector('body[data-state="ready"]');
  return { context, page, consoleErrors, pageErrors, requests };
}

async function explainText(page, text) {
  await page.fill('#input', text);
  await page.focus('#input');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('body[data-state="ready"]');
}

const stepsOf = (page) => page.$$eval('#steps li[data-step]', (lis) => lis.map((li) => ({ step: Number(li.dataset.step), dir: li.dataset.dir, name: li.dataset.name, text: li.textContent })));

test('a. default sample (TLS 1.2 ECDHE-RSA) loads with its 10 steps and no errors', async () => {
  const { context, page, consoleErrors, pageErrors, requests } = await openPage();
  try {
    await page.waitForSelector('#steps li[data-step]');
    const steps = await stepsOf(page);
    assert.equal(steps.length, 10);
    // boot.js fetched the sample and its analysis made at build time (the CLI's JSON): one
    // fetch each, and app.js drew that answer (it clears TLS_LENS_EARLY when it takes it). The
    // default view loads no wasm and starts no worker.
    assert.equal(requests.filter((u) => u.endsWith('/samples/tls12-ecdhe-rsa.hex')).length, 1);
    assert.equal(requests.filter((u) => u.endsWith('/pkg/default-en.json')).length, 1);
    assert.equal(await page.evaluate(() => globalThis.TLS_LENS_EARLY), null);
    await page.waitForFunction(() => performance.getEntriesByName('tls-lens:painted').length > 0);
    assert.deepEqual(requests.filter((u) => /\.wasm$|\/worker\.js/.test(u)), []);
    assert.equal(page.workers().length, 0);
    // The reader's first move starts the worker: the lite core is fetched; the full one
    // (decryption, QUIC) is not.
    await page.click('#steps li[data-step="1"]');
    for (let i = 0; i < 100 && !requests.some((u) => u.endsWith('/pkg/tls_lens_lite_bg.wasm')); i++) await page.waitForTimeout(100);
    assert.equal(requests.filter((u) => u.endsWith('/pkg/tls_lens_lite_bg.wasm')).length, 1);
    assert.deepEqual(requests.filter((u) => u.endsWith('/pkg/tls_lens_bg.wasm')), []);
    // The analysis that came with the page is the one the core makes in the browser.
    const [pre, live] = await page.evaluate(async () => {
      const text = (await (await fetch('samples/tls12-ecdhe-rsa.hex')).text()).trimEnd();
      const pre = await (await fetch('pkg/default-en.json')).json();
      const w = new Worker('worker.js?lang=en', { type: 'module' });
      const live = await new Promise((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.postMessage({ id: 1, op: 'analyze', bytes: new TextEncoder().encode(text), lang: 'en' });
      });
      w.terminate();
      return [pre, live.result];
    });
    assert.deepStrictEqual(pre, live);
    assert.deepEqual(steps.map((s) => s.name), ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'ChangeCipherSpec', 'Finished']);
    assert.deepEqual(steps.map((s) => s.dir), ['c2s', 's2c', 's2c', 's2c', 's2c', 'c2s', 'c2s', 'c2s', 's2c', 's2c']);
    assert.deepEqual(steps.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.match(steps[0].text, /client → server/);
    assert.match(steps[1].text, /server → client/);
    assert.equal(await page.$eval('#samples', (s) => s.value), 'tls12-ecdhe-rsa.hex');
    const summary = await page.textContent('#summary');
    assert.match(summary, /TLS 1\.2/);
    assert.match(summary, /TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
    // Step 1 is selected and its card is shown.
    assert.equal(await page.$eval('#card .card', (c) => c.dataset.name), 'ClientHello');
    // Arrow keys move the selection.
    await page.click('#steps li[data-step="1"]');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.$eval('#steps li[aria-selected="true"]', (li) => li.dataset.step), '2');
    assert.equal(await page.$eval('#card .card', (c) => c.dataset.name), 'ServerHello');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('a2. the default view is in index.html: painted before any script runs, then drawn again, the same, live', async () => {
  // make wasm drew it into index.html (www/build/prerender.mjs) with this machine's Chromium.
  const html = readFileSync(join(ROOT, 'www', 'index.html'), 'utf8');
  assert.match(html, /<meta name="tls-lens-prerendered" content="en zh" data-lang="en" data-langs="en zh" data-not-before="2026-11-29T02:13:06Z" data-not-after="2036-11-26T02:13:06Z">/, 'make wasm did not prerender the default view');
  // boot.js is inline, allowed by its hash; no other inline script.
  assert.equal((html.match(/<script>/g) || []).length, 1);
  assert.equal((html.match(/'sha256-[A-Za-z0-9+/=]+'/g) || []).length, 1);
  assert.doesNotMatch(html, /<script src="boot\.js">/);
  const regions = (p) => p.evaluate(() => {
    const $ = (q) => document.querySelector(q);
    return {
      summary: $('#summary').innerHTML,
      summaryText: $('#summary').textContent,
      steps: $('#steps').innerHTML,
      flow: $('#flow').innerHTML,
      head: $('#card .card-head').outerHTML,
      explanation: $('#card .explanation').outerHTML,
      status: $('#status').textContent,
      sample: $('#samples').value,
      input: $('#input').value,
    };
  });
  // Without scripts: the explanation is there to read.
  const off = await blankPage({ javaScriptEnabled: false });
  let still;
  try {
    await off.page.goto(base);
    still = await regions(off.page);
    assert.equal((still.steps.match(/data-step="/g) || []).length, 10);
    assert.match(still.summaryText, /TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
    assert.match(still.explanation, /The client opens the handshake/);
    assert.match(still.status, /7250 bytes of hex input/);
    assert.equal(still.sample, 'tls12-ecdhe-rsa.hex');
    assert.match(still.input, /^16 03 01 00 aa 01 00 00 a6 03 03/);
    assert.equal(await off.page.$eval('body', (b) => b.dataset.state), 'loading');
    assert.equal(await off.page.$eval('#summary', (n) => getComputedStyle(n).visibility), 'visible');
  } finally {
    await off.context.close();
  }
  // With them: painted (boot.js's mark) before the page draws it live, and live it is the same,
  // in English and in Chinese (its view put in place from its template before the first paint;
  // here the page's module is held back to see it alone).
  const zhAlone = await blankPage({ locale: 'zh-CN' });
  let zhStill;
  try {
    await zhAlone.page.route('**/app.bundle.js', (r) => r.abort());
    await zhAlone.page.goto(base);
    zhStill = await regions(zhAlone.page);
    assert.match(zhStill.explanation, /客户端/);
    assert.match(zhStill.status, /字节/);
    assert.deepEqual(await zhAlone.page.evaluate(() => [document.documentElement.lang, document.title, document.querySelectorAll('template').length, document.querySelectorAll('#summary').length]), ['zh-CN', 'TLS Lens：逐字节解读 TLS 握手', 0, 1]);
    assert.deepEqual(zhAlone.pageErrors, []);
  } finally {
    await zhAlone.context.close();
  }
  // A chosen theme applies before the first paint, and its control says so.
  const dark = await blankPage();
  try {
    await dark.page.route('**/app.bundle.js', (r) => r.abort());
    await dark.page.goto(base + '?theme=dark');
    assert.deepEqual(await dark.page.evaluate(() => [document.documentElement.dataset.theme, document.querySelector('#theme').value, document.documentElement.dataset.prerendered]), ['dark', 'dark', 'kept']);
  } finally {
    await dark.context.close();
  }
  for (const [locale, view] of [['en-US', still], ['zh-CN', zhStill]]) {
    const { context, page, pageErrors, consoleErrors } = await openPage({ locale });
    try {
      await page.waitForFunction(() => performance.getEntriesByName('tls-lens:live').length > 0);
      const [painted, live] = await page.evaluate(() => ['tls-lens:painted', 'tls-lens:live'].map((m) => performance.getEntriesByName(m)[0].startTime));
      assert.ok(painted < live, `${locale}: painted ${painted} ms, live ${live} ms`);
      assert.deepEqual(await regions(page), view, locale);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.prerendered), undefined);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  }
  // Where it is not the view the page will draw, boot.js hides it (the page's module is held
  // back here, so that only boot.js has run): in Chinese, with a permalink, and when a
  // certificate of the sample is no longer valid by the browser's clock.
  // Kept, it takes no clicks until it is live (a language or a step picked before would be lost).
  for (const [name, opts, hash, time] of [['en', {}, '', null], ['skip link', {}, '#steps', null], ['zh', { locale: 'zh-CN' }, '', null], ['link', {}, '#sample=tls13-rfc8448.hex', null], ['zh link', { locale: 'zh-CN' }, '#sample=tls13-rfc8448.hex', null], ['2037', {}, '', new Date('2037-01-01T00:00:00Z')]]) {
    const b = await blankPage(opts);
    try {
      await b.page.route('**/app.bundle.js', (r) => r.abort());
      if (time) await b.page.clock.install({ time });
      await b.page.goto(base + hash);
      const seen = await b.page.evaluate(() => [document.documentElement.dataset.prerendered, ...['#summary', '.workspace', '#lang'].map((q) => getComputedStyle(document.querySelector(q))).map((c) => `${c.visibility} ${c.pointerEvents}`)]);
      const kept = ['kept', 'visible none', 'visible none', 'visible none'];
      const off = ['off', 'hidden auto', 'hidden auto', 'visible auto'];
      assert.deepEqual(seen, ['en', 'skip link', 'zh'].includes(name) ? kept : off, name);
    } finally {
      await b.context.close();
    }
  }
  // When the page cannot draw the sample, what it says instead is seen: the view is emptied, in
  // the language kept (English) and in one it hid (Chinese).
  for (const locale of ['en-US', 'zh-CN']) {
    const b = await blankPage({ locale });
    try {
      await b.page.route('**/samples/**', (r) => r.abort());
      await b.page.goto(base);
      await b.page.waitForSelector('body[data-state="ready"]');
      const seen = await b.page.evaluate(() => ({
        attr: document.documentElement.dataset.prerendered,
        status: getComputedStyle(document.querySelector('#status')).visibility,
        input: [getComputedStyle(document.querySelector('#input')).visibility, document.querySelector('#input').value],
        steps: document.querySelectorAll('#steps li').length,
      }));
      assert.deepEqual(seen, { attr: undefined, status: 'visible', input: ['visible', ''], steps: 0 }, locale);
      assert.match(await b.page.textContent('#status'), locale === 'en-US' ? /No sample could be loaded/ : /示例/);
    } finally {
      await b.context.close();
    }
  }
});

test('b. pasted RFC 8448 TLS 1.3 trace shows its steps and summary', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    await explainText(page, readFileSync(TLS13_SAMPLE, 'utf8'));
    const steps = await stepsOf(page);
    assert.ok(steps.length >= 3, `expected at least 3 steps, got ${steps.length}`);
    assert.deepEqual(steps.slice(0, 2).map((s) => [s.name, s.dir]), [['ClientHello', 'c2s'], ['ServerHello', 's2c']]);
    for (const s of steps.slice(2)) assert.equal(s.name, 'EncryptedRecord');
    // Unmarked input: directions are flagged as inferred; encrypted records carry a badge.
    assert.ok(await page.$('#steps li[data-step="1"] .tag.inferred[title]'));
    assert.ok(await page.$('#steps li[data-step="3"].encrypted .tag.enc'));
    const summary = await page.textContent('#summary');
    assert.match(summary, /TLS 1\.3/);
    assert.match(summary, /TLS_AES_128_GCM_SHA256/);
    assert.match(summary, /x25519/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('c. hovering a field highlights its bytes, hovering a byte highlights a field', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    await explainText(page, readFileSync(TLS13_SAMPLE, 'utf8'));
    await page.click('#steps li[data-step="1"]');
    // The ClientHello "random" field: 32 bytes.
    const row = page.locator('#card .field-row', { has: page.locator('.f-name', { hasText: /^random$/ }) }).first();
    await row.hover();
    const off = Number(await row.getAttribute('data-off'));
    const len = Number(await row.getAttribute('data-len'));
    assert.equal(len, 32);
    const lit = await page.$$eval('#card .hex-bytes span[data-off].hl', (els) => els.map((e) => Number(e.dataset.off)));
    assert.equal(lit.length, len);
    assert.equal(lit[0], off);
    assert.equal(lit[lit.length - 1], off + len - 1);
    assert.equal(await page.$$eval('#card .field-row.hl', (els) => els.length), 1);

    // Hover a byte inside legacy_version (offsets 9..10 of the ClientHello).
    await page.hover('#card .hex-bytes span[data-off="9"]');
    const hlRows = await page.$$eval('#card .field-row.hl', (els) => els.map((e) => ({ off: Number(e.dataset.off), len: Number(e.dataset.len), name: e.querySelector('.f-name').textContent })));
    assert.equal(hlRows.length, 1);
    assert.ok(hlRows[0].off <= 9 && 9 < hlRows[0].off + hlRows[0].len, JSON.stringify(hlRows));
    assert.equal(hlRows[0].name, 'legacy_version');
    const lit2 = await page.$$eval('#card .hex-bytes span[data-off].hl', (els) => els.map((e) => Number(e.dataset.off)));
    assert.deepEqual(lit2, [9, 10]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('d. bad hex shows diagnostics with line/column and the page keeps working', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    await explainText(page, '16 03 01 zz 00 4');
    const diag = page.locator('ul.diagnostics[role="alert"]');
    await diag.waitFor();
    const text = await diag.textContent();
    assert.match(text, /not a hex digit/);
    assert.match(text, /line 1, column 10/);
    assert.ok(await page.$$eval('ul.diagnostics li', (l) => l.length) >= 2);
    // The page still works afterwards.
    await explainText(page, readFileSync(TLS13_SAMPLE, 'utf8'));
    assert.equal(await page.$('ul.diagnostics'), null);
    assert.ok((await stepsOf(page)).length >= 3);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** A minimal TLS 1.2 ClientHello record with the given SNI and ALPN (bytes -> hex). */
function clientHelloHex(sni, alpn) {
  const u8 = (n) => [n & 0xff];
  const u16 = (n) => [(n >> 8) & 0xff, n & 0xff];
  const u24 = (n) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const name = [...Buffer.from(sni, 'latin1')];
  const proto = [...Buffer.from(alpn, 'latin1')];
  const sniBody = [...u8(0), ...u16(name.length), ...name];
  const extSni = [...u16(0), ...u16(sniBody.length + 2), ...u16(sniBody.length), ...sniBody];
  const alpnList = [...u8(proto.length), ...proto];
  const extAlpn = [...u16(16), ...u16(alpnList.length + 2), ...u16(alpnList.length), ...alpnList];
  const exts = [...extSni, ...extAlpn];
  const body = [...u16(0x0303), ...new Array(32).fill(0x42), ...u8(0), ...u16(2), ...u16(0xc02f), ...u8(1), ...u8(0), ...u16(exts.length), ...exts];
  const hs = [...u8(1), ...u24(body.length), ...body];
  const rec = [...u8(22), ...u16(0x0301), ...u16(hs.length), ...hs];
  return Buffer.from(rec).toString('hex');
}

test('e. hostile input is rendered as text, never as markup', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    const count = () => page.evaluate(() => ({ scripts: document.querySelectorAll('script').length, imgs: document.querySelectorAll('img, iframe, object, embed').length }));
    const before = await count();
    await explainText(page, 'C: <script>window.__pwned=1</script>');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(await count(), before);
    // Mostly not hex: one diagnostic that says what TLS Lens reads.
    assert.match(await page.textContent('ul.diagnostics'), /this is not hex, a capture or a tool log/);
    // A few stray characters in hex: each named, as text.
    await explainText(page, 'C: 16 03 01 <b>x</b>');
    assert.match(await page.textContent('ul.diagnostics'), /'<' is not a hex digit/);
    assert.equal(await page.$$eval('ul.diagnostics b', (e) => e.length), 0);

    // A ClientHello whose SNI and ALPN are HTML.
    const evilSni = '<img src=x onerror="window.__pwned=1">';
    const evilAlpn = '<b>x</b>';
    await explainText(page, 'C: ' + clientHelloHex(evilSni, evilAlpn));
    assert.ok((await stepsOf(page)).some((s) => s.name === 'ClientHello'));
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(await count(), before);
    assert.equal(await page.$$eval('#summary b, #card b', (e) => e.length), 0);
    const shown = await page.textContent('body');
    assert.ok(shown.includes('<img'), 'the SNI should be shown literally somewhere on the page');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('f. switching to 简体中文 re-renders the explanations in Chinese', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    await page.waitForSelector('#card .explanation');
    const en = await page.textContent('#card .explanation');
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/);
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector('#card .explanation')?.textContent || ''));
    assert.equal(await page.$eval('#steps li[aria-selected="true"]', (li) => li.dataset.step), '1');
    assert.match(await page.textContent('#explain'), /解释/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    // And back.
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => !/[\u4e00-\u9fff]/.test(document.querySelector('#card .explanation')?.textContent || 'x'));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
  // A Chinese browser opens the page in Chinese, with boot.js's early analysis (made in Chinese).
  const zh = await openPage({ locale: 'zh-CN' });
  try {
    await zh.page.waitForSelector('#card .explanation');
    assert.match(await zh.page.textContent('#card .explanation'), /[\u4e00-\u9fff]/);
    assert.equal(await zh.page.evaluate(() => globalThis.TLS_LENS_EARLY), null);
    assert.deepEqual(zh.pageErrors, []);
  } finally {
    await zh.context.close();
  }
});

test('g. full-page screenshot of the default page at 1280x900', async () => {
  const { context, page, pageErrors, requests } = await openPage();
  try {
    await page.waitForSelector('#steps li[data-step]');
    // Budget report: every file the default page fetched (the worker's too), gzipped.
    const files = [...new Set(requests.map((u) => new URL(u).pathname))].map((p) => join(ROOT, 'www', p === '/' ? 'index.html' : p));
    assert.ok(files.every((f) => existsSync(f)), files.join(', '));
    const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    console.log(`# g: the default page fetched ${files.length} files, ${(gz / 1024).toFixed(0)} KB gzipped`);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'default.png');
    rmSync(file, { force: true });
    await page.screenshot({ path: file, fullPage: true });
    await page.screenshot({ path: join(OUT, 'default-view.png'), fullPage: false });
    assert.ok(existsSync(file));
    assert.ok(statSync(file).size > 10 * 1024, `screenshot is only ${statSync(file).size} bytes`);
    // Budget report: the default sample painted, in ms after navigation (reported, not asserted:
    // this machine is shared).
    await page.waitForFunction(() => performance.getEntriesByName('tls-lens:painted').length > 0);
    const painted = await page.evaluate(() => performance.getEntriesByName('tls-lens:painted')[0].startTime);
    console.log(`# g: default sample painted ${painted.toFixed(0)} ms after navigation`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
  // Dark theme at 1280 px, and the light page at 360 px (a phone).
  for (const [name, opts, theme] of [['default-dark.png', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }, 'dark'], ['default-360.png', { viewport: { width: 360, height: 740 } }, 'light'], ['default-600.png', { viewport: { width: 600, height: 900 } }, 'light'], ['default-900.png', { viewport: { width: 900, height: 900 } }, 'light']]) {
    const { context: ctx, page: p, pageErrors: errs } = await openPage(opts);
    try {
      await p.waitForSelector('#steps li[data-step]');
      assert.equal(await p.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), theme === 'dark');
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, theme === 'dark' ? 'rgb(14, 17, 23)' : 'rgb(245, 246, 249)');
      // Nothing wider than the viewport (360, 600 and 900 px).
      const vw = opts.viewport.width;
      if (theme === 'light') assert.ok(await p.evaluate((w) => document.documentElement.scrollWidth <= w + 12, vw), `no horizontal scrolling at ${vw} px`);
      // The suite name wraps only after its underscores (seven <wbr>), and reads whole.
      assert.deepEqual(await p.$eval('#summary code.suite', (e) => [e.textContent, e.querySelectorAll('wbr').length]), ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 7]);
      if (name === 'default-360.png') {
        // At 360 px it does wrap: every line break falls right after an underscore.
        const breaks = await p.$eval('#summary code.suite', (e) => {
          const r = document.createRange();
          const tops = [];
          for (const n of e.childNodes) {
            if (n.nodeType !== 3) continue;
            r.selectNodeContents(n);
            tops.push([...r.getClientRects()].length);
          }
          return tops;
        });
        assert.ok(breaks.every((n) => n === 1), `a piece between underscores was split across lines: ${breaks}`);
      }
      await p.screenshot({ path: join(OUT, name), fullPage: theme === 'dark' });
      if (theme === 'light') {
        // The opened first step, its explanation, fields and bytes, at this width.
        await p.$eval('#steps li[data-step]', (e) => e.scrollIntoView());
        await p.screenshot({ path: join(OUT, name.replace('.png', '-step.png')), fullPage: false });
      }
      if (theme === 'dark') await p.screenshot({ path: join(OUT, 'default-dark-view.png'), fullPage: false });
      assert.deepEqual(errs, []);
    } finally {
      await ctx.close();
    }
  }
});

const connsOf = (page) => page.$$eval('#connections li[data-conn]', (lis) => lis.map((li) => ({ conn: Number(li.dataset.conn), selected: li.getAttribute('aria-selected') === 'true', text: li.textContent })));

test('h. an uploaded pcap with 10 TLS connections, 2 DTLS and a QUIC one shows a connection picker', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.setInputFiles('#file', ARKIME_PCAP);
    await page.waitForFunction(() => document.querySelectorAll('#connections li[data-conn]').length === 13);
    await page.waitForSelector('body[data-state="ready"]');
    let conns = await connsOf(page);
    assert.deepEqual(conns.map((c) => c.conn), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(conns.map((c) => c.selected), [true, ...Array(12).fill(false)]);
    // DTLS and QUIC connections come after the TCP ones, numbered by udp.stream.
    assert.match(conns[10].text, /^#8DTLS/);
    assert.match(conns[11].text, /^#58DTLS/);
    assert.match(conns[12].text, /^#67QUIC/);
    assert.match(conns[0].text, /10\.2\.6\.100:55006 → 10\.2\.6\.1:443/);
    assert.match(conns[0].text, /secure\.example\.com/);
    assert.match(conns[0].text, /TLS 1\.2/);
    assert.match(conns[0].text, /2 messages/);
    // The one diagnostic tagged with a connection is counted on that connection only.
    assert.match(conns[6].text, /1 problem/);
    assert.ok(conns.filter((c) => /problem/.test(c.text)).length === 1, conns.map((c) => c.text).join('\n'));
    assert.equal(await page.$eval('#samples', (s) => s.value), '');
    assert.equal(await page.$eval('#input', (t) => t.value), '', 'binary capture must not be dumped into the textarea');
    let steps = await stepsOf(page);
    assert.deepEqual([steps[0].name, steps[0].dir], ['ClientHello', 'c2s']);
    assert.match(await page.textContent('#summary .summary-panel'), /10\.2\.6\.100:55006 → 10\.2\.6\.1:443/);
    // Capture-wide warnings are listed without a (meaningless) offset; the error of connection #6 is not shown here.
    const diagText = await page.textContent('.diag-panel');
    assert.match(diagText, /neither TCP nor UDP/);
    // UDP flows are listed (not explained) under the connections, as Wireshark's udp.stream.
    const udp = await page.$$eval('#other-flows li[data-transport="udp"]', (lis) => lis.map((li) => li.textContent));
    assert.ok(udp.length >= 1, 'UDP flows listed');
    assert.match(udp[0], /^UDP #0 /);
    assert.doesNotMatch(diagText, /ServerHello at offset 124/);
    assert.equal(await page.$$eval('.diag-panel .diag-off', (e) => e.length), 0);

    // Pick connection #2 (10.20.30.100:59000 -> 10.20.30.1:443).
    await page.click('#connections li[data-conn="2"]');
    await page.waitForSelector('#connections li[data-conn="2"][aria-selected="true"]');
    conns = await connsOf(page);
    assert.match(conns[2].text, /10\.20\.30\.100:59000 → 10\.20\.30\.1:443/);
    steps = await stepsOf(page);
    assert.deepEqual(steps.slice(0, 3).map((s) => [s.name, s.dir]), [['ClientHello', 'c2s'], ['ServerHello', 's2c'], ['Certificate', 's2c']]);
    assert.equal(await page.$eval('#card .card', (c) => c.dataset.name), 'ClientHello');
    const summary = await page.textContent('#summary .summary-panel');
    assert.match(summary, /TLS_RSA_WITH_AES_128_CBC_SHA/);
    assert.match(summary, /connection #76/); // Wireshark's tcp.stream of 10.20.30.100:59000
    assert.match(summary, /10\.20\.30\.100:59000 → 10\.20\.30\.1:443/);

    // Keyboard: ArrowDown in the picker moves to #3 and keeps the focus in the list.
    await page.focus('#connections li[data-conn="2"]');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('#connections li[data-conn="3"][aria-selected="true"]');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.conn), '3');

    // Connection #6 shows its own error, located by stream offset; clicking it shows the byte.
    await page.click('#connections li[data-conn="6"]');
    await page.waitForSelector('#connections li[data-conn="6"][aria-selected="true"]');
    const err = page.locator('.diag-panel li.diag.error');
    assert.match(await err.textContent(), /stream offset 124/);
    await err.locator('button.diag-off').click();
    await page.waitForSelector('#card .card[data-name="ServerHello"]');
    assert.ok(await page.$('#card .hex-bytes span[data-off="124"].hl'));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('i. the pcap sample loads as bytes; bytes show the capture frame they came from', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.waitForSelector('#steps li[data-step]');
    await page.selectOption('#samples', 'tls12-ecdhe-rsa.pcap');
    await page.waitForFunction(() => /binary capture: tls12-ecdhe-rsa\.pcap/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    assert.match(await page.textContent('#status'), /pcap input/);
    assert.equal(await page.$eval('#input', (t) => t.value), '');
    assert.equal(await page.$('#connections'), null, 'one connection: no picker');
    const steps = await stepsOf(page);
    assert.deepEqual(steps.map((s) => s.name), ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'ChangeCipherSpec', 'Finished', 'ApplicationData', 'ApplicationData', 'Alert']);
    assert.match(await page.textContent('#endpoints'), /^127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/);
    assert.match(await page.textContent('#summary'), /TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);

    await page.click('#steps li[data-step="2"]');
    await page.waitForSelector('#card .card[data-name="ServerHello"]');
    assert.match(await page.textContent('#hex-status'), /frame 6/);
    const off = await page.$eval('#card .hex-bytes span[data-off]', (b) => Number(b.dataset.off) + 10);
    await page.hover(`#card .hex-bytes span[data-off="${off}"]`);
    const status = await page.textContent('#hex-status');
    assert.match(status, new RegExp(`byte ${off}`));
    assert.match(status, /frame 6/);
    assert.match(status, /server → client/);
    assert.match(await page.getAttribute(`#card .hex-bytes span[data-off="${off}"]`, 'title'), /frame 6/);
    // The ServerHello came in one TCP segment: no piece boundary inside it.
    assert.equal(await page.$$eval('#card .hex-bytes .cs', (e) => e.length), 0);

    // A ClientHello split over two TCP segments (frames 4 and 5) marks where the second one starts.
    if (existsSync(SPLIT_PCAP)) {
      await page.setInputFiles('#file', SPLIT_PCAP);
      await page.waitForFunction(() => /tls-split-client-hello/.test(document.getElementById('status').textContent));
      await page.waitForSelector('#card .card[data-name="ClientHello"]');
      assert.match(await page.textContent('#hex-status'), /frames 4, 5/);
      assert.deepEqual(await page.$$eval('#card .hex-bytes .cs', (e) => e.map((b) => Number(b.dataset.off))), [1392]);
      await page.hover('#card .hex-bytes span[data-off="1392"]');
      assert.match(await page.textContent('#hex-status'), /frame 5 · client → server · piece 2 of 2/);
    }
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('j. a pasted curl -v log (no bytes) shows its ten steps, ServerHelloDone correctly named', async () => {
  const { context, page, pageErrors } = await openPage();
  try {
    const log = readFileSync(new URL('../data/corpus/seed/curl-vvv-head.txt', import.meta.url), 'utf8');
    await explainText(page, log);
    const steps = await stepsOf(page);
    assert.deepEqual(steps.map((s) => s.name), [
      'ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone',
      'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'ChangeCipherSpec', 'Finished',
    ]);
    await page.click('#steps li[data-step="5"]');
    const card = await page.locator('#card').textContent();
    assert.match(card, /not the Finished message/);
    assert.match(card, /Server finished \(14\)/);
    // The bytes panel says why it is empty.
    assert.match(await page.textContent('#hex-status'), /No bytes: this step comes from a line of a log/);
    assert.equal(await page.$$eval('.hex-bytes span.b', (b) => b.length), 0);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

// ---- k. a 100 MB capture -----------------------------------------------------------------------

/** C:/S: chunks of our TLS 1.2 capture in wire order (tests/data/tls12-ecdhe-rsa.full.hex). */
function sampleChunks() {
  const text = readFileSync(join(ROOT, 'tests', 'data', 'tls12-ecdhe-rsa.full.hex'), 'utf8');
  const chunks = [];
  for (const line of text.split('\n')) {
    const m = /^([CS]):\s*(.*)$/.exec(line);
    if (m) chunks.push({ c: m[1] === 'C', hex: m[2].trim() });
    else if (line.trim() && chunks.length) chunks[chunks.length - 1].hex += line.trim();
  }
  return chunks.map((k) => ({ c: k.c, bytes: Buffer.from(k.hex, 'hex') }));
}

/**
 * A pcap (raw IP) of `n` connections, each the real handshake above on its own client port,
 * then `app` bytes of application-data records each way in 64 KB segments, then FINs.
 */
function bigCapture(n, app) {
  const chunks = sampleChunks();
  const parts = [];
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6); hdr.writeUInt32LE(0x40000, 16); hdr.writeUInt32LE(101, 20);
  parts.push(hdr);
  const packet = (client, port, seq, flags, payload) => {
    const ip = Buffer.alloc(40);
    ip[0] = 0x45; ip.writeUInt16BE(40 + payload.length, 2); ip[8] = 64; ip[9] = 6;
    Buffer.from([10, 0, 0, client ? 1 : 2]).copy(ip, 12); Buffer.from([10, 0, 0, client ? 2 : 1]).copy(ip, 16);
    ip.writeUInt16BE(client ? port : 443, 20); ip.writeUInt16BE(client ? 443 : port, 22);
    ip.writeUInt32BE(seq >>> 0, 24); ip[32] = 0x50; ip[33] = flags; ip.writeUInt16BE(0xffff, 34);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(ip.length + payload.length, 8); rec.writeUInt32LE(ip.length + payload.length, 12);
    parts.push(rec, ip, payload);
  };
  const appRecord = Buffer.alloc(5 + 16384, 0xa5);
  appRecord.set([23, 3, 3, 0x40, 0x00]);
  for (let i = 0; i < n; i++) {
    const port = 20000 + i;
    const seq = { c: 1000, s: 90000 };
    packet(true, port, seq.c - 1, 0x02, Buffer.alloc(0));
    packet(false, port, seq.s - 1, 0x12, Buffer.alloc(0));
    for (const k of chunks) {
      packet(k.c, port, k.c ? seq.c : seq.s, 0x18, k.bytes);
      if (k.c) seq.c += k.bytes.length; else seq.s += k.bytes.length;
    }
    const seg = Buffer.concat(Array(3).fill(appRecord));
    for (let sent = 0; sent < app; sent += seg.length) {
      packet(true, port, seq.c, 0x18, seg); seq.c += seg.length;
      packet(false, port, seq.s, 0x18, seg); seq.s += seg.length;
    }
    packet(true, port, seq.c, 0x11, Buffer.alloc(0));
    packet(false, port, seq.s, 0x11, Buffer.alloc(0));
  }
  return Buffer.concat(parts);
}

test('k. a 100 MB capture is listed in a worker with progress, then explained connection by connection', async (t) => {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'big.pcap');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, bigCapture(100, 500_000));
  const size = statSync(file).size;
  assert.ok(size > 100e6, `${size}`);
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    // Long tasks on the main thread while the capture is read and listed.
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.setInputFiles('#file', file);
    await page.waitForSelector('#progress');
    await page.waitForFunction(() => document.querySelectorAll('#connections li[data-conn]').length === 100, null, { timeout: 120_000 });
    await page.waitForSelector('body[data-state="ready"]');
    const wall = Date.now() - t0;
    const status = await page.textContent('#status');
    const listed = /Listed in ([\d.]+) s/.exec(status);
    assert.ok(listed, status);
    const longest = await page.evaluate(() => Math.max(0, ...window.__long));
    t.diagnostic(`k: ${(size / 1e6).toFixed(1)} MB listed in ${listed[1]} s in the worker (${(wall / 1000).toFixed(1)} s from picking the file to the list); longest main-thread task ${longest.toFixed(0)} ms`);
    // The first connection is explained: the real handshake, on its own port.
    let steps = await stepsOf(page);
    assert.deepEqual(steps.slice(0, 3).map((s) => s.name), ['ClientHello', 'ServerHello', 'Certificate']);
    assert.match(await page.textContent('#summary .summary-panel'), /10\.0\.0\.1:20000 → 10\.0\.0\.2:443/);
    // Pick connection 57: explained on demand.
    await page.click('#connections li[data-conn="57"]');
    await page.waitForSelector('#connections li[data-conn="57"][aria-selected="true"]');
    await page.waitForFunction(() => /10\.0\.0\.1:20057/.test(document.querySelector('#summary .summary-panel')?.textContent || ''));
    steps = await stepsOf(page);
    assert.equal(steps[0].name, 'ClientHello');
    assert.match(await page.textContent('#summary .summary-panel'), /tls-lens\.example/);
    // Copy link: the capture is far too big for a link, so the link holds connection 57 alone
    // (its bytes as sent, each side marked), and opens to the same steps.
    await page.click('#share');
    await page.waitForFunction(() => /tcp\.stream 57 alone/.test(document.getElementById('status').textContent));
    const link = await page.evaluate(() => location.href);
    assert.ok(link.length < 150_000, `${link.length} characters`);
    const other = await context.newPage();
    await other.goto(link);
    await other.waitForSelector('body[data-state="ready"]');
    await other.waitForFunction(() => document.querySelectorAll('#steps li[data-step]').length > 0);
    assert.deepEqual((await stepsOf(other)).map((x) => [x.name, x.dir]), steps.map((x) => [x.name, x.dir]));
    await other.close();
    // Cancel: reading again and cancelling leaves a calm page. The button is pressed as soon
    // as it appears (a fast machine lists the capture before a separate click could land).
    await page.evaluate(() => {
      new MutationObserver((_, obs) => {
        const b = document.getElementById('cancel');
        if (b) {
          obs.disconnect();
          b.click();
        }
      }).observe(document.getElementById('status'), { childList: true, subtree: true });
    });
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => /Cancelled/.test(document.getElementById('status').textContent));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
    rmSync(file, { force: true });
  }
});

test('l. a key log file decrypts a TLS 1.3 capture: decrypted messages and verified Finished', async () => {
  const { context, page, consoleErrors, pageErrors, requests } = await openPage();
  try {
    await page.setInputFiles('#file', join(ROOT, 'tests', 'data', 'tls13.pcap'));
    await page.waitForFunction(() => /tls13\.pcap/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    let steps = await stepsOf(page);
    assert.ok(!steps.some((s) => s.name === 'EncryptedExtensions'), 'nothing decrypted without keys');
    assert.deepEqual(requests.filter((u) => u.endsWith('/pkg/tls_lens_bg.wasm')), [], 'the lite core read the capture');
    await page.setInputFiles('#keylog', join(ROOT, 'tests', 'data', 'tls13.keylog'));
    await page.waitForFunction(() => document.querySelector('#steps li[data-name="EncryptedExtensions"]'));
    await page.waitForSelector('body[data-state="ready"]');
    steps = await stepsOf(page);
    const dec = await page.$$eval('#steps li.decrypted', (lis) => lis.map((li) => li.dataset.name));
    // As tshark decrypts it (tests/data/tls13.expected.json, messages_decrypted).
    assert.deepEqual(dec, ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished', 'Finished', 'NewSessionTicket', 'NewSessionTicket', 'Alert']);
    const notes = await page.textContent('#summary');
    assert.match(notes, /Server Finished verified/);
    assert.match(notes, /Client Finished verified/);
    assert.match(await page.textContent('#status'), /Key log file “tls13\.keylog”/);
    // The decrypted Certificate shows its certificate in the summary.
    assert.match(notes, /tls-lens\.example/);
    // The key schedule: each generation from the key log, with what it opened.
    const gens = await page.$$eval('#key-schedule .ks-gen', (lis) => lis.map((li) => li.dataset.name));
    assert.deepEqual(gens, ['client_handshake_traffic', 'server_handshake_traffic', 'client_application_traffic_0', 'server_application_traffic_0']);
    assert.equal(requests.filter((u) => u.endsWith('/pkg/tls_lens_bg.wasm')).length, 1, 'the key log brought the full core');
    await page.click('#key-schedule > summary');
    assert.match(await page.textContent('#key-schedule .ks-gen[data-name="server_handshake_traffic"]'), /EncryptedExtensions, Certificate, CertificateVerify, Finished/);
    // Compute it yourself: the server's handshake key's command, run here with OpenSSL, prints
    // the key shown beside it.
    const keyRow = '#key-schedule .ks-gen[data-name="server_handshake_traffic"] tr:nth-child(2)';
    await page.click(`${keyRow} .ks-cmd > summary`);
    const [cmd, shownKey] = await Promise.all([page.textContent(`${keyRow} .ks-command`), page.textContent(`${keyRow} .ks-hex`)]);
    assert.match(cmd, /^openssl kdf -keylen \d+ .*mode:EXPAND_ONLY .* HKDF$/);
    assert.equal(execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).replace(/[^0-9A-Fa-f]/g, '').toLowerCase(), shownKey);
    // The open key schedule, its long hex, formulas and commands, fits a phone's width.
    await page.setViewportSize({ width: 360, height: 800 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 372), `the key schedule is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide at 360 px`);
    await page.setViewportSize({ width: 1280, height: 900 });
    // Hiding the encrypted records the key log opened: each ciphertext step followed by what it
    // held steps aside, in the list and in the diagram; unticked, they come back.
    assert.ok(await page.isVisible('#hide-opened'));
    const all = await page.$$eval('#steps li[data-step]', (lis) => lis.map((li) => ({ step: Number(li.dataset.step), enc: li.classList.contains('encrypted'), dec: li.classList.contains('decrypted') })));
    await page.check('#hide-opened');
    const shown = await page.$$eval('#steps li[data-step]', (lis) => lis.map((li) => Number(li.dataset.step)));
    // The records tshark decrypts into the eight messages above (each followed by what it held);
    // the application data records keep their steps (their plaintext is not a step).
    const opened = all.filter((x, i) => x.enc && all[i + 1] && all[i + 1].dec).map((x) => x.step);
    assert.equal(opened.length, 8);
    assert.deepEqual(shown, all.map((x) => x.step).filter((n) => !opened.includes(n)));
    assert.equal(await page.$$eval('.flow g[data-step]', (g) => g.length), shown.length);
    await page.uncheck('#hide-opened');
    assert.equal(await page.$$eval('#steps li[data-step]', (lis) => lis.length), all.length);
    // The README's picture of a decrypted TLS 1.3 handshake: its decrypted CertificateVerify.
    await page.click('#steps li.decrypted[data-name="CertificateVerify"]');
    await page.evaluate(() => document.getElementById('steps').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(OUT, 'l-tls13-decrypted.png'), fullPage: false });
    // The key log can be removed: the capture is explained again without it.
    assert.ok(await page.isVisible('#keylog-clear'));
    await page.click('#keylog-clear');
    await page.waitForFunction(() => !document.querySelector('#steps li.decrypted') && document.body.dataset.state === 'ready');
    assert.ok(await page.isHidden('#keylog-clear'));
    assert.doesNotMatch(await page.textContent('#status'), /tls13\.keylog/);
    // A key log does not stick to the next input: a file opened after it comes without it.
    await page.setInputFiles('#keylog', join(ROOT, 'tests', 'data', 'tls13.keylog'));
    await page.waitForSelector('#steps li.decrypted');
    await page.setInputFiles('#file', join(ROOT, 'tests', 'data', 'tls13.pcap'));
    await page.waitForFunction(() => !document.querySelector('#steps li.decrypted') && document.body.dataset.state === 'ready');
    assert.doesNotMatch(await page.textContent('#status'), /Key log/);
    assert.ok(await page.isHidden('#keylog-clear'));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('m. "Why these values?" breaks JA4 and JA3 into pieces and shows the bytes each comes from', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    // Pick another step first, so that showing bytes has to switch to the ClientHello.
    await page.click('#steps li[data-name="ServerHello"]');
    await page.click('.fp-why summary');
    const rows = await page.$$eval('.fp-table tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((r) => /^JA4 = t12d0207h2_/.test(r)), rows.join("\n")); // curl limited to TLS 1.2: 2 suites, 7 extensions, h2
    assert.ok(rows.some((r) => /^JA3 = md5\("771,/.test(r)), rows.join('\n'));
    // The sorted cipher list hashed for JA4_b is in the page, as JA4_r has it.
    assert.ok(rows.some((r) => /sha256\("[0-9a-f]{4}(,[0-9a-f]{4})*"\)/.test(r)), rows.join('\n'));
    await page.click('.fp-table button[data-field="cipher_suites"]');
    await page.waitForSelector('#card .card[data-name="ClientHello"]');
    assert.ok(await page.$('#card .hex-bytes span.hl'), 'the cipher suites are highlighted');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('n. the QUIC sample: packets and TLS messages as steps, the key derivation of an Initial packet, hex layers', async () => {
  const { context, page, consoleErrors, pageErrors, requests } = await openPage();
  try {
    await page.waitForSelector('#steps li[data-step]');
    await page.selectOption('#samples', 'quic-illustrated.pcapng');
    await page.waitForFunction(() => /quic-illustrated\.pcapng/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    const steps = await stepsOf(page);
    // The Illustrated QUIC Connection: 12 packets, 7 handshake messages (tests/quic.rs checks the bytes).
    assert.equal(steps.filter((s) => s.name.startsWith('QUIC ')).length, 12);
    // QUIC is encrypted even without a key log: the lite core sent it to the full one.
    assert.equal(requests.filter((u) => u.endsWith('/pkg/tls_lens_bg.wasm')).length, 1);
    assert.deepEqual(steps.filter((s) => !s.name.startsWith('QUIC ')).map((s) => s.name), ['ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished', 'Finished']);
    assert.equal(steps[0].name, 'QUIC Initial');
    const summary = await page.textContent('#summary');
    assert.match(summary, /example\.ulfheim\.net/);
    assert.match(summary, /Server Finished verified/);
    assert.match(summary, /q13d03/);
    // The first step explains the Initial keys and shows them, computed for this packet.
    await page.click('#steps li[data-step="1"]');
    await page.waitForSelector('#card .card[data-name="QUIC Initial"]');
    const card = await page.textContent('#card');
    assert.match(card, /Destination Connection ID/);
    assert.match(card, /b14b918124fda5c8d79847602fa3520b/, 'client Initial key (RFC 9001 derivation, as published)');
    const off = await page.$eval('#card .hex-bytes span[data-off]', (b) => Number(b.dataset.off) + 3);
    await page.hover(`#card .hex-bytes span[data-off="${off}"]`);
    assert.match(await page.textContent('#hex-status'), /QUIC packet as sent/);
    await page.screenshot({ path: join(OUT, 'n-quic.png'), fullPage: false });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

/** Open `pcap` (tls-sni.pcapng) and compare its first two connections' ClientHellos. */
async function compareTwoHellos(page, pcap) {
  await page.setInputFiles('#file', pcap);
  await page.waitForFunction(() => /tls-sni\.pcapng/.test(document.getElementById('status').textContent));
  await page.waitForSelector('body[data-state="ready"]');
  await page.click('#diff > summary');
  await page.selectOption('#diff-a', '0');
  await page.selectOption('#diff-b', '1');
  await page.click('#diff-go');
  await page.waitForSelector('.diff-table tbody tr');
}

test('o. two ClientHellos compared side by side, as `tls-lens diff` compares them', async () => {
  const SNI_PCAP = join(ROOT, 'tests', 'data', 'corpus', 'ja4', 'pcap', 'tls-sni.pcapng');
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await compareTwoHellos(page, SNI_PCAP);
    const rows = await page.$$eval('.diff-table tbody tr', (trs) => trs.map((tr) => ({ field: tr.dataset.field, state: tr.className })));
    const notes = await page.$$eval('.diff-notes li', (lis) => lis.map((li) => li.textContent));
    // The CLI's comparison of the same two connections.
    const cli = JSON.parse(execFileSync(join(ROOT, BIN), ['diff', '--json', '--conn-a', '0', '--conn-b', '1', SNI_PCAP, SNI_PCAP]).toString());
    assert.deepEqual(rows, cli.items.map((i) => ({ field: i.field, state: 'diff-' + (i.same ? 'same' : i.reordered ? 'reordered' : 'differs') })));
    assert.deepEqual(notes, cli.notes);
    assert.ok(rows.some((r) => r.state !== 'diff-same'), 'two different connections differ somewhere');
    // B from another file: its first connection.
    await page.setInputFiles('#diff-file', join(ROOT, 'tests', 'data', 'tls13.pcap'));
    await page.waitForFunction(() => /tls13\.pcap/.test(document.querySelector('.diff-table thead').textContent));
    const ja4 = await page.$eval('.diff-table tr[data-field="ja4"]', (tr) => tr.textContent);
    assert.match(ja4, /t13d/);
    await page.locator('#diff').screenshot({ path: join(OUT, 'o-diff.png') });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('o2. at 360 px the comparison and the sequence diagram fit the screen, their text at full size', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage({ viewport: { width: 360, height: 800 } });
  try {
    await compareTwoHellos(page, join(ROOT, 'tests', 'data', 'corpus', 'ja4', 'pcap', 'tls-sni.pcapng'));
    const m = await page.evaluate(() => {
      const svg = document.querySelector('.flow-svg');
      const label = svg.querySelector('.flow-label');
      return {
        scroll: document.documentElement.scrollWidth,
        // The label's size on screen: its font size times the drawing's scale.
        label: parseFloat(getComputedStyle(label).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
        // Each compared field is a block: A and B one under the other, labelled.
        sides: [...document.querySelectorAll('.diff-table tbody tr:first-child td[data-side]')].map((td) => getComputedStyle(td, '::before').content),
      };
    });
    // (Was 487 px wide with headers one letter a line, and diagram labels about 6 px.)
    assert.ok(m.scroll <= 372, `page ${m.scroll} px wide`);
    assert.ok(m.label >= 11, `diagram labels ${m.label.toFixed(1)} px`);
    assert.deepEqual(m.sides, ['"A"', '"B"']);
    // A phone turned: at 800 px the diagram is drawn wide again, back at 360 narrow again.
    const labelPx = () => page.evaluate(() => {
      const svg = document.querySelector('.flow-svg');
      return parseFloat(getComputedStyle(svg.querySelector('.flow-label')).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.waitForFunction(() => document.querySelector('.flow-svg').viewBox.baseVal.width === 640);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForFunction(() => document.querySelector('.flow-svg').viewBox.baseVal.width < 400);
    assert.ok((await labelPx()) >= 11);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('p. the sequence diagram: one arrow per step, flights, encrypted dashed, click selects', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.waitForSelector('#flow g[data-step]');
    const arrows = await page.$$eval('#flow g[data-step]', (gs) => gs.map((g) => ({ step: Number(g.dataset.step), cls: g.getAttribute('class'), label: g.querySelector('.flow-label').textContent })));
    const steps = await stepsOf(page);
    assert.equal(arrows.length, steps.length);
    assert.deepEqual(arrows.map((a) => a.label.replace(/ · encrypted$/, '')), steps.map((s) => `${s.step}. ${s.name}`));
    // The classic TLS 1.2 flights: the server's Certificate … ServerHelloDone form one flight.
    assert.ok((await page.$$eval('#flow .flow-flight.s2c', (r) => r.length)) >= 1);
    // The two encrypted Finished messages are dashed (encrypted class).
    assert.equal(arrows.filter((a) => /encrypted/.test(a.cls)).length, await page.$$eval('#steps li .tag.enc', (tags) => tags.length));
    // The padlock is drawn by CSS inside its badge (a glyph there once spilled out of it).
    const spill = await page.$$eval('#steps li .tag.enc', (tags) => tags.filter((tag) => { const l = tag.querySelector('.lock'); if (!l) return true; const a = tag.getBoundingClientRect(), b = l.getBoundingClientRect(); return l.textContent !== '' || b.left < a.left || b.right > a.right || b.bottom > a.bottom; }).length);
    assert.equal(spill, 0, 'every padlock lies inside its badge');
    await page.click('#flow g[data-step="3"] .flow-hit');
    await page.waitForSelector('#card .card[data-name="Certificate"]');
    assert.match(await page.getAttribute('#flow g[data-step="3"]', 'class'), /selected/);
    assert.equal(await page.getAttribute('#steps li[data-step="3"]', 'aria-selected'), 'true');
    await page.screenshot({ path: join(OUT, 'p-flow.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('q. a permalink reopens the same input, connection and step; the page requests only its own files', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    // A pasted input goes into the link itself (compressed).
    await explainText(page, readFileSync(TLS13_SAMPLE, 'utf8'));
    const before = await stepsOf(page);
    await page.click('#steps li[data-step="2"]');
    await page.click('#share');
    await page.waitForFunction(() => /[#&]in=/.test(location.hash));
    const link = await page.evaluate(() => location.href);
    assert.match(link, /[#&]step=2(&|$)/);
    assert.ok(!/kl=/.test(link), 'no key log unless asked');

    // A fresh tab opens the link: same steps, step 2 selected; every request stays on the origin.
    const page2 = await context.newPage();
    const requests = [];
    page2.on('request', (r) => requests.push(r.url()));
    const errors2 = [];
    page2.on('pageerror', (e) => errors2.push(String(e)));
    await page2.goto(link);
    await page2.waitForSelector('#card .card[data-name]');
    await page2.waitForSelector('body[data-state="ready"]');
    assert.deepEqual(await stepsOf(page2), before);
    assert.equal(await page2.getAttribute('#steps li[data-step="2"]', 'aria-selected'), 'true');
    assert.equal((await page2.$eval('#input', (t) => t.value)).trim(), readFileSync(TLS13_SAMPLE, 'utf8').trim());
    const origin = new URL(base).origin;
    assert.ok(requests.length > 3, 'the page, its modules and the wasm were fetched');
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin + '/')), [], 'requests only to the page origin');
    assert.ok(!requests.some((u) => /[?&](in|kl)=/.test(u)), 'the input never travels in a request');
    assert.deepEqual(errors2, []);

    // A sample is linked by name.
    await page.selectOption('#samples', 'quic-illustrated.pcapng');
    await page.waitForFunction(() => /quic-illustrated/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#share');
    await page.waitForFunction(() => /sample=quic-illustrated\.pcapng/.test(location.hash));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('r. drag and drop anywhere: a capture and its key log dropped together are read as input and key log', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    const pcap = readFileSync(join(ROOT, 'tests', 'data', 'tls13.pcap')).toString('base64');
    const keylog = readFileSync(join(ROOT, 'tests', 'data', 'tls13.keylog'), 'utf8');
    await page.evaluate(([b64, text]) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'tls13.keylog', { type: 'text/plain' }));
      dt.items.add(new File([bin], 'tls13.pcap', { type: 'application/octet-stream' }));
      // Dropped on the step list, far from the input panel.
      document.getElementById('steps').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [pcap, keylog]);
    await page.waitForFunction(() => document.querySelector('#steps li[data-name="EncryptedExtensions"]'));
    await page.waitForSelector('body[data-state="ready"]');
    assert.match(await page.textContent('#status'), /tls13\.pcap/);
    assert.match(await page.textContent('#status'), /Key log file “tls13\.keylog”/);
    assert.match(await page.textContent('#summary'), /Server Finished verified/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('s. <tls-lens> elements and the embed iframe on the embedding guide: rendered, isolated, interactive', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    await page.goto(base + 'embed-docs.html');
    // 1. The TLS 1.2 sample with step 3 shown first (Playwright's CSS selectors pierce shadow roots).
    await page.waitForFunction(() => document.querySelector('#ex1')?.shadowRoot?.querySelectorAll('#steps li[data-step]').length === 10);
    await page.waitForSelector('#ex1 .card[data-name="Certificate"]');
    assert.equal(await page.$eval('#ex1', (e) => e.shadowRoot.querySelectorAll('.flow g[data-step]').length), 10);
    // Hovering a byte lights up its field inside this element only.
    const off = await page.$eval('#ex1', (e) => Number(e.shadowRoot.querySelector('.hex-bytes span.b').dataset.off) + 6);
    await page.hover(`#ex1 .hex-bytes span[data-off="${off}"]`);
    assert.ok(await page.$eval('#ex1', (e) => !!e.shadowRoot.querySelector('.field-row.hl')), 'a field row is highlighted');
    // Clicking an arrow of the diagram changes the card.
    await page.click('#ex1 .flow g[data-step="2"] .flow-hit');
    await page.waitForSelector('#ex1 .card[data-name="ServerHello"]');

    // 2. Compact, Chinese, dark: no step list or field tree; the explanation is Chinese. (Below
    // the fold: an element starts when it comes near the viewport.)
    await page.locator('#ex2').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('#ex2')?.shadowRoot?.querySelector('.card .explanation'));
    const ex2 = await page.$eval('#ex2', (e) => {
      const r = e.shadowRoot;
      return {
        steps: getComputedStyle(r.querySelector('.steps-panel')).display,
        fields: getComputedStyle(r.querySelector('.card-body')).display,
        text: r.querySelector('.card .explanation').textContent,
        bg: getComputedStyle(r.querySelector('.tl-embed')).backgroundColor,
      };
    });
    assert.equal(ex2.steps, 'none');
    assert.equal(ex2.fields, 'none');
    assert.match(ex2.text, /[\u4e00-\u9fff]/);
    assert.equal(ex2.bg, 'rgb(14, 17, 23)', 'dark theme background');
    assert.doesNotMatch(await page.$eval('#ex2', (e) => e.shadowRoot.querySelector('.tl-head').textContent), /null|undefined/);

    // Isolation: the guide's li colour does not reach the element's steps, our styles do not reach the guide.
    const liColor = await page.$eval('#ex1', (e) => getComputedStyle(e.shadowRoot.querySelector('#steps li.step')).color);
    assert.notEqual(liColor, 'rgb(139, 30, 63)');
    assert.equal(await page.$eval('main li', (li) => getComputedStyle(li).color), 'rgb(139, 30, 63)');
    assert.match(await page.$eval('body', (b) => getComputedStyle(b).fontFamily), /Georgia/);

    // 3. The iframe: the QUIC sample, compact.
    await page.locator('#ex3').scrollIntoViewIfNeeded();
    const frame = page.frames().find((f) => /embed\.html/.test(f.url()));
    assert.ok(frame, 'embed.html frame');
    await frame.waitForFunction(() => document.querySelector('tls-lens')?.shadowRoot?.querySelectorAll('.flow g[data-step]').length === 19);
    assert.equal(await frame.$eval('tls-lens', (e) => e.hasAttribute('compact')), true);
    await page.locator('#ex2').screenshot({ path: join(OUT, 's-embed-compact.png') });

    // 4. A lone ClientHello (the sample's first record), compact, in Chinese: explained, and its
    // head says the version is not negotiated yet, not that there is no TLS connection.
    const bytes = readFileSync(TLS12_SAMPLE, 'utf8').replace(/\s+/g, '');
    const hello = bytes.slice(0, 2 * (5 + parseInt(bytes.slice(6, 10), 16)));
    await page.evaluate((hex) => {
      const e = document.createElement('tls-lens');
      e.id = 'lone-hello';
      e.setAttribute('lang', 'zh');
      e.setAttribute('compact', '');
      e.textContent = hex;
      document.querySelector('main').append(e);
      e.scrollIntoView();
    }, hello);
    await page.waitForFunction(() => document.querySelector('#lone-hello')?.shadowRoot?.querySelector('.card .explanation'));
    const lone = await page.$eval('#lone-hello', (e) => ({ head: e.shadowRoot.querySelector('.tl-head').textContent, text: e.shadowRoot.querySelector('.card .explanation').textContent }));
    assert.match(lone.text, /[\u4e00-\u9fff]/);
    assert.doesNotMatch(lone.head, /没有找到 TLS 连接/);
    assert.match(lone.head, /没有 ServerHello/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('s2. <tls-lens> below the fold fetches nothing until scrolled to; json= shows the CLI\'s JSON with no wasm', async () => {
  const { context, page, consoleErrors, pageErrors, requests: urls } = await blankPage();
  // The paths fetched so far.
  const requests = () => urls.map((u) => new URL(u).pathname);
  // A tutorial page: a long article with three elements far below the fold, the last one
  // showing `tls-lens explain --json` output (make wasm writes pkg/default-en.json that way).
  const filler = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i} of a long article about TLS.</p>`).join('\n');
  const host = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
    <script type="module" src="tls-lens.js"></script></head><body><main><h1>An article</h1>${filler}
    <tls-lens id="a" src="samples/tls12-ecdhe-rsa.hex"></tls-lens>${filler}
    <tls-lens id="b" src="samples/tls13-rfc8448.hex" compact></tls-lens>${filler}
    <tls-lens id="c" json="pkg/default-en.json" compact></tls-lens></main></body></html>`;
  await page.route(base + 'host-article.html', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: host }));
  try {
    await page.goto(base + 'host-article.html');
    await page.waitForLoadState('networkidle');
    // Only the element's own module: no rendering modules, styles, inputs, worker or core.
    const own = requests().filter((p) => p !== '/host-article.html');
    assert.deepEqual(own, ['/tls-lens.js'], 'requests before any element is near the viewport');
    assert.equal(await page.$eval('#a', (e) => e.shadowRoot.childElementCount), 0, 'an unseen element builds nothing');

    // Scrolled to, the first starts: its input, the rendering modules, the worker and the lite core.
    await page.locator('#a').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('#a')?.shadowRoot?.querySelectorAll('#steps li[data-step]').length === 10);
    assert.ok(requests().includes('/samples/tls12-ecdhe-rsa.hex'));
    assert.ok(requests().some((p) => /tls_lens_lite_bg\.wasm$/.test(p)), 'the lite core');
    assert.ok(!requests().includes('/samples/tls13-rfc8448.hex'), 'the second element has not started');

    // The JSON element: the CLI's analysis shown as it is; no core is fetched for it.
    const before = requests().length;
    await page.locator('#c').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('#c')?.shadowRoot?.querySelectorAll('.flow g[data-step]').length === 10);
    const after = requests().slice(before);
    assert.ok(after.includes('/pkg/default-en.json'), 'the JSON');
    assert.ok(!after.some((p) => /\.wasm$|worker\.js$|\.tsv$/.test(p)), `no core for a JSON element: ${after.join(', ')}`);
    const json = JSON.parse(readFileSync(join(ROOT, 'www', 'pkg', 'default-en.json'), 'utf8'));
    const shown = await page.$eval('#c', (e) => e.shadowRoot.querySelector('.card .explanation').textContent);
    assert.equal(shown.trim(), json.connections[0].messages[0].explanation.trim());
    assert.ok(!requests().includes('/samples/tls13-rfc8448.hex'), 'an element jumped over (never near the viewport) has not started');

    // keylog=: a capture and its key log from the embedding site, decrypted in the element.
    await page.route(base + 'site/tls13.pcap', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(join(ROOT, 'tests', 'data', 'tls13.pcap')) }));
    await page.route(base + 'site/tls13.keylog', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: readFileSync(join(ROOT, 'tests', 'data', 'tls13.keylog')) }));
    await page.evaluate(() => {
      const e = document.createElement('tls-lens');
      e.id = 'd';
      e.setAttribute('src', 'site/tls13.pcap');
      e.setAttribute('keylog', 'site/tls13.keylog');
      e.setAttribute('loading', 'eager');
      document.querySelector('main').prepend(e);
    });
    await page.waitForFunction(() => document.querySelector('#d')?.shadowRoot?.querySelectorAll('#steps li.decrypted').length > 0, null, { timeout: 30_000 });
    const decrypted = await page.$eval('#d', (e) => [...e.shadowRoot.querySelectorAll('#steps li.decrypted')].map((li) => li.dataset.name));
    assert.ok(decrypted.includes('Certificate') && decrypted.includes('Finished'), decrypted.join(', '));
    assert.deepEqual([...consoleErrors, ...pageErrors], []);
  } finally {
    await context.close();
  }
});

test('s3. make package: the element as an npm package, installed with npm into a scratch site, renders', async () => {
  const work = join(OUT, 'package-test');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'site'), { recursive: true });
  // The package (what make package writes to dist/), packed and installed as npm would.
  execFileSync('node', [join(ROOT, 'www', 'build', 'package.mjs'), join(work, 'dist')], { cwd: ROOT, stdio: 'ignore' });
  const meta = JSON.parse(readFileSync(join(work, 'dist', 'package.json'), 'utf8'));
  assert.equal(meta.exports['.'].default, './tls-lens.js');
  assert.match(readFileSync(join(work, 'dist', 'pkg', 'tls_lens.d.ts'), 'utf8'), /export function analyze\(/);
  assert.match(readFileSync(join(work, 'dist', 'tls-lens.d.ts'), 'utf8'), /'tls-lens': TlsLensElement/);
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(work, 'dist') }).toString().trim().split('\n').pop();
  writeFileSyncSafe(join(work, 'site', 'package.json'), '{"name": "scratch", "private": true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(work, tgz)], { cwd: join(work, 'site'), stdio: 'ignore' });
  assert.ok(existsSync(join(work, 'site', 'node_modules', 'tls-lens', 'pkg', 'tls_lens_lite_bg.wasm')));
  writeFileSyncSafe(join(work, 'site', 'hello.hex'), readFileSync(TLS12_SAMPLE, 'utf8'));
  writeFileSyncSafe(join(work, 'site', 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scratch</title><link rel="icon" href="data:,">
    <script type="module" src="node_modules/tls-lens/tls-lens.js"></script></head>
    <body><tls-lens id="x" src="hello.hex" step="3"></tls-lens></body></html>`);
  const port = await freePort();
  const site = spawn(join(ROOT, BIN), ['serve', join(work, 'site'), '--port', String(port)], { stdio: 'ignore' });
  const { context, page, consoleErrors, pageErrors } = await blankPage();
  try {
    for (let i = 0; i < 50 && (await get(`http://127.0.0.1:${port}/`)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.querySelector('#x')?.shadowRoot?.querySelectorAll('#steps li[data-step]').length === 10);
    await page.waitForSelector('#x .card[data-name="Certificate"]');
    assert.deepEqual([...consoleErrors, ...pageErrors], []);
  } finally {
    await context.close();
    site.kill();
    rmSync(work, { recursive: true, force: true });
  }
});

function writeFileSyncSafe(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

test('s4. Copy as Markdown: the explanation for a tutorial, parsed by a Markdown parser, holds every step', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.selectOption('#samples', 'tls12-ecdhe-rsa.pcap');
    await page.waitForFunction(() => document.querySelector('.step-time'));
    await page.waitForSelector('body[data-state="ready"]');
    const steps = await stepsOf(page);
    await page.click('#markdown');
    await page.waitForFunction(() => !document.getElementById('md-out').hidden);
    const md = await page.$eval('#md-out', (t) => t.value);
    // Parsed by marked (npm): one <h2> per step with its number and title, the summary table,
    // the Mermaid diagram as a code block with one arrow per step, field tables.
    const html = marked.parse(md);
    const h2 = [...html.matchAll(/<h2[^>]*>(\d+)\. /g)].map((m) => Number(m[1]));
    assert.deepEqual(h2, steps.map((s) => s.step));
    assert.match(html, /<table>[\s\S]*Cipher suite[\s\S]*TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
    const mermaid = /<code class="language-mermaid">([\s\S]*?)<\/code>/.exec(html);
    assert.ok(mermaid, 'a mermaid block');
    assert.equal((mermaid[1].match(/(C|S)-{1,2}&gt;&gt;(S|C):/g) || []).length, steps.length);
    assert.ok((html.match(/<table>/g) || []).length > steps.length / 2, 'field tables');
    // In Chinese too.
    await page.selectOption('#lang', 'zh');
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#markdown');
    await page.waitForFunction(() => /客户端/.test(document.getElementById('md-out').value));
    const zh = marked.parse(await page.$eval('#md-out', (t) => t.value));
    assert.match(zh, /<th>概要<\/th>/);
    assert.equal([...zh.matchAll(/<h2[^>]*>\d+\. /g)].length, steps.length);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('s5. Download pcapng: the input as a capture with its key log inside, which tshark decrypts alone', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    // The HelloRetryRequest sample: a pcapng whose key log is in the file itself.
    await page.selectOption('#samples', 'tls13-hrr.pcapng');
    await page.waitForFunction(() => /tls13-hrr/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    const steps = await stepsOf(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pcapng')]);
    assert.equal(download.suggestedFilename(), 'tls13-hrr.pcapng');
    const file = join(OUT, 'download-tls13-hrr.pcapng');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 4).toString('hex'), '0a0d0d0a', 'a pcapng section header');
    // tshark, given no key log, decrypts it from the file's Decryption Secrets Block: the two
    // ClientHellos and the encrypted Certificate (11) and Finished (20) messages are there, as
    // many as the page shows.
    const types = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tls.handshake.type'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/[\n,]/).filter(Boolean).map(Number);
    const count = (list, x) => list.filter((v) => v === x).length;
    assert.equal(count(types, 1), steps.filter((s) => s.name === 'ClientHello').length);
    assert.equal(count(types, 1), 2);
    assert.ok(types.includes(11) && count(types, 20) === 2, `tshark read ${types}`);
    assert.match(await page.textContent('#status'), /Saved tls13-hrr\.pcapng \(\d+ bytes\) with the key log inside/);
    await page.selectOption('#lang', 'zh');
    await page.waitForSelector('body[data-state="ready"]');
    const [again] = await Promise.all([page.waitForEvent('download'), page.click('#pcapng')]);
    assert.equal(again.suggestedFilename(), 'tls13-hrr.pcapng');
    await page.waitForFunction(() => /已保存 tls13-hrr\.pcapng/.test(document.getElementById('status').textContent));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('s6. a certificate as its DER / ASN.1 tree: openssl asn1parse\'s nodes, linked to the bytes and the fields', async () => {
  // openssl's reading of the leaf certificate of the pcap sample (its DER from the CLI's JSON).
  const conn = JSON.parse(execFileSync(join(ROOT, BIN), ['explain', '--json', PCAP_SAMPLE], { encoding: 'utf8', maxBuffer: 64 << 20 })).connections[0];
  const span = conn.certificates[0].span;
  const der = Buffer.from(conn.stream.hex.slice(2 * span.offset, 2 * (span.offset + span.len)), 'hex');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'leaf.der'), der);
  const theirs = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', join(OUT, 'leaf.der')], { encoding: 'utf8' })
    .split('\n').map((l) => /^\s*(\d+):d=\s*\d+\s+hl=\s*(\d+)\s+l=\s*(\d+)/.exec(l)).filter(Boolean).map((m) => `${m[1]} · ${m[2]}+${m[3]}`);
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.selectOption('#samples', 'tls12-ecdhe-rsa.pcap');
    await page.waitForFunction(() => document.querySelector('.step-time'));
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#summary .certs > li:first-child > details > summary');
    await page.click('#summary .certs > li:first-child .asn1-view > summary');
    await page.waitForSelector('#summary .asn1-node');
    const rows = await page.$$eval('#summary .certs > li:first-child .asn1-node', (bs) => bs.map((b) => ({ inner: b.classList.contains('inner'), at: b.querySelector('.asn1-at').textContent, tag: b.querySelector('.asn1-tag').textContent, val: (b.querySelector('.asn1-val') || {}).textContent })));
    assert.deepEqual(rows.filter((r) => !r.inner).map((r) => r.at), theirs);
    assert.ok(rows.some((r) => r.inner && r.val === '65537'), 'the RSA exponent inside the BIT STRING');
    assert.ok(rows.some((r) => r.tag === 'OBJECT IDENTIFIER' && r.val === 'rsaEncryption (1.2.840.113549.1.1.1)'));
    // A click shows the node's bytes: the Certificate step is selected and its bytes lit.
    await page.click('#summary .certs > li:first-child .asn1-node >> nth=1');
    await page.waitForFunction(() => document.querySelector('#steps li[aria-selected="true"]')?.dataset.name === 'Certificate');
    assert.ok(await page.$$eval('.hex-body .b.hl', (b) => b.length) > 100, 'the tbsCertificate bytes lit');
    // A field of the card lights the node with the same bytes (the mouse moves over the card
    // first: right after a jump the card keeps the jump's highlight until it does).
    await page.hover('#card .field-row >> nth=0');
    await page.hover('#card .field-row:has-text("subjectPublicKeyInfo") >> nth=0');
    await page.waitForSelector('#summary .asn1-node.lit');
    const lit = await page.$eval('#summary .asn1-node.lit', (b) => b.querySelector('.asn1-at').textContent);
    assert.equal(lit, '128 · 4+290', 'the SubjectPublicKeyInfo SEQUENCE (openssl asn1parse: 128:d=2 hl=4 l= 290)');
    await page.locator('#summary .certs > li:first-child').screenshot({ path: join(OUT, 'asn1.png') });
    await page.selectOption('#lang', 'zh');
    await page.waitForSelector('body[data-state="ready"]');
    assert.match(await page.textContent('#summary .certs > li:first-child .asn1-view > summary'), /DER \/ ASN\.1（\d+ 字节）/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('s7. DTLS 1.2 with its key log: decrypted and both Finished verified, as tshark decrypts it', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.setInputFiles('#file', join(ROOT, 'tests', 'data', 'dtls12.pcap'));
    await page.waitForFunction(() => /dtls12\.pcap/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    await page.setInputFiles('#keylog', join(ROOT, 'tests', 'data', 'dtls12.keylog'));
    await page.waitForSelector('#steps li.decrypted');
    await page.waitForSelector('body[data-state="ready"]');
    // tshark 4.0 with the same key log: Finished in frames 15 and 17, the close_notify in 20.
    assert.deepEqual(await page.$$eval('#steps li.decrypted', (lis) => lis.map((li) => `${li.dataset.dir} ${li.dataset.name}`)), ['c2s Finished', 's2c Finished', 'c2s Alert']);
    const summary = await page.textContent('#summary');
    assert.match(summary, /Client Finished verified/);
    assert.match(summary, /Server Finished verified/);
    await page.click('#steps li.decrypted[data-name="Finished"]');
    assert.match(await page.textContent('#card'), /RFC 6347 §4\.2\.6/);
    await page.selectOption('#lang', 'zh');
    await page.waitForSelector('body[data-state="ready"]');
    await page.waitForFunction(() => /在 DTLS 中/.test(document.getElementById('card').textContent));
    await page.evaluate(() => document.getElementById('steps').scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(OUT, 's7-dtls12-decrypted-zh.png'), fullPage: false });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test('t. the single-file build works opened from file://, under its hash-based CSP', async () => {
  const single = join(ROOT, 'target', 'tls-lens.html');
  if (!existsSync(single)) execFileSync('node', [join(ROOT, 'www', 'build', 'single-file.mjs'), single]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto('file://' + single);
    await page.waitForSelector('body[data-state="ready"]');
    const steps = await stepsOf(page);
    assert.equal(steps.length, 10, 'the default sample, embedded');
    await page.selectOption('#samples', 'quic-illustrated.pcapng');
    await page.waitForFunction(() => /quic-illustrated/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    assert.match(await page.textContent('#summary'), /Server Finished verified/);
    // Nothing fetched from anywhere but the file itself and its blob: worker.
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('blob:') && !u.startsWith('data:')), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('u. every sample loads without errors; long lists filter; B of a comparison can be pasted', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    const samples = await page.$$eval('#samples option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(samples.length >= 9, samples.join(', '));
    for (const f of samples) {
      await page.selectOption('#samples', f);
      await page.waitForFunction((name) => document.getElementById('status').textContent.includes(name) || document.getElementById('input').value.length > 0, f);
      await page.waitForSelector('body[data-state="ready"]');
      const steps = await stepsOf(page);
      assert.ok(steps.length >= 2, `${f}: ${steps.length} steps`);
      assert.doesNotMatch(await page.getAttribute('#status', 'class'), /has-errors/, f);
    }
    // The failed handshake ends with its alert; the browser sample has its post-quantum key share.
    await page.selectOption('#samples', 'tls-failed.pcap');
    await page.waitForFunction(() => /tls-failed/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    assert.deepEqual((await stepsOf(page)).map((s) => s.name), ['ClientHello', 'Alert']);
    assert.match(await page.textContent('#summary'), /protocol_version/);
    // The handshake tile says it failed, who sent which alert (the model's handshake.failure).
    assert.equal(await page.textContent('#summary .f-flags .failed'), 'failed: the server sent a fatal protocol_version alert');

    // A long list: FoxIO's tls-sni.pcapng (59 TCP and 20 QUIC connections) filtered by name.
    await page.setInputFiles('#file', join(ROOT, 'tests', 'data', 'corpus', 'ja4', 'pcap', 'tls-sni.pcapng'));
    await page.waitForFunction(() => /tls-sni/.test(document.getElementById('status').textContent));
    await page.waitForSelector('body[data-state="ready"]');
    const all = await page.$$eval('#connections li[data-conn]', (lis) => lis.length);
    await page.fill('#conn-filter', 'fbcdn QUIC');
    // Shown means laid out: the status line's count alone once said "2 of 20" over 20 visible rows.
    const shown = await page.$$eval('#connections li[data-conn]', (lis) => lis.filter((li) => li.getClientRects().length > 0).map((li) => li.textContent));
    assert.equal(await page.$$eval('#connections li[data-conn]:not([hidden])', (lis) => lis.length), shown.length, 'rows with hidden are not laid out');
    assert.ok(shown.length >= 1 && shown.length < all, `${shown.length} of ${all}`);
    assert.ok(shown.every((t) => /fbcdn/.test(t) && /QUIC/.test(t)), shown.join('\n'));
    // The CLI agrees on how many QUIC connections go to an fbcdn name.
    const cli = JSON.parse(execFileSync(join(ROOT, BIN), ['explain', '--json', join(ROOT, 'tests', 'data', 'corpus', 'ja4', 'pcap', 'tls-sni.pcapng')], { maxBuffer: 1 << 28 }).toString());
    assert.equal(shown.length, cli.connections.filter((c) => c.quic && /fbcdn/.test(c.summary.sni || '')).length);

    // Comparison against a pasted input.
    await page.click('#diff > summary');
    await page.click('#diff .diff-paste > summary');
    await page.fill('#diff-text', readFileSync(TLS13_SAMPLE, 'utf8'));
    await page.click('#diff-use-text');
    await page.waitForSelector('.diff-table tbody tr');
    assert.match(await page.textContent('.diff-table thead'), /pasted input/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

/** Every file under `dir` whose name ends in one of `exts`. */
function filesUnder(dir, exts) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p, exts);
    return exts.some((x) => e.name.endsWith(x)) ? [p] : [];
  });
}

test('v. the lite core answers every input exactly as the full one, or hands it to the full one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // Any page of the site: its CSP allows same-origin modules and wasm.
    await page.goto(base + 'embed.html');
    assert.deepEqual(await page.evaluate(async () => {
      const lite = await import('./pkg/tls_lens_lite.js');
      const full = await import('./pkg/tls_lens.js');
      await lite.default();
      await full.default();
      globalThis.cores = { lite, full };
      // Neither core has texts of its own: without them each says so.
      const without = [lite, full].map((core) => {
        try {
          core.analyze(new Uint8Array([0x16, 3, 1, 0, 0]), 'en');
          return 'answered';
        } catch (e) {
          return String(e.message);
        }
      });
      for (const lang of ['en', 'zh']) {
        const text = await (await fetch(`./pkg/texts-${lang}.tsv`)).text();
        lite.setTexts(lang, text);
        full.setTexts(lang, text);
      }
      const only = ['overview', 'explainStream', 'diffHellos', 'markdown', 'pcapng', 'asn1'];
      return [lite.core(), full.core(), ...without, only.filter((f) => typeof lite[f] === 'function'), only.filter((f) => typeof full[f] === 'function')];
    }), ['lite', 'full', 'tls-lens: the texts for "en" are not loaded (setTexts)', 'tls-lens: the texts for "en" are not loaded (setTexts)', [], ['overview', 'explainStream', 'diffHellos', 'markdown', 'pcapng', 'asn1']]);
    const files = [...filesUnder(join(ROOT, 'www', 'samples'), ['.hex', '.txt', '.pcap', '.pcapng']), ...filesUnder(join(ROOT, 'tests', 'data'), ['.hex', '.txt', '.pcap', '.pcapng', '.test', '.bin'])]
      .filter((f) => statSync(f).size < 2e6 && !f.includes('/dumps/'));
    const handed = [];
    let same = 0;
    for (const f of files) {
      const keylogFile = f.replace(/\.[^.]+$/, '.keylog');
      const keylog = existsSync(keylogFile) ? readFileSync(keylogFile, 'utf8') : null;
      const r = await page.evaluate(({ bytes, keylog }) => {
        const b = new Uint8Array(bytes);
        const { lite, full } = globalThis.cores;
        // analyze in both languages: each answer is the full core's, or the lite core says it
        // needs the full one. (The lite core only analyses: big captures' overviews, one
        // connection of them, comparisons and the learners' features are the full core's.)
        const asks = [(core) => core.analyze(b, 'en'), (core) => core.analyze(b, 'zh')];
        const out = { full: [], lite: [], what: ['analyze', 'analyze in Chinese'] };
        for (const ask of asks) {
          out.full.push(JSON.stringify(ask(full)));
          try {
            out.lite.push(JSON.stringify(ask(lite)));
          } catch (e) {
            out.lite.push({ error: String(e.message) });
          }
        }
        if (keylog) {
          try {
            lite.analyze(b, 'en', keylog);
            out.withKeylog = 'answered';
          } catch (e) {
            out.withKeylog = String(e.message);
          }
        }
        return out;
      }, { bytes: [...readFileSync(f)], keylog });
      const name = f.slice(ROOT.length + 1);
      r.lite.forEach((l, i) => {
        const what = `${name} (${r.what[i]})`;
        if (l.error !== undefined) assert.equal(l.error, 'tls-lens: this input needs the full core', what);
        else assert.ok(l === r.full[i], `${what}: the lite core's answer differs from the full one's`);
      });
      if (r.lite[0].error !== undefined) handed.push(name);
      else same++;
      // What one answer needs, the other does too.
      assert.ok(r.lite.every((l) => (l.error !== undefined) === (r.lite[0].error !== undefined)), name);
      // A key log (with secrets in it) is for decryption, which only the full core does.
      if (keylog && /^[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+/m.test(keylog) && JSON.parse(r.full[0]).connections.length > 0) assert.equal(r.withKeylog, 'tls-lens: this input needs the full core', `${name} with its key log`);
    }
    // The worker answers requests in order, each on its own bytes, while its cores and texts
    // are still loading (several <tls-lens> elements share one worker).
    const replies = await page.evaluate(async (inputs) => {
      const w = new Worker('./worker.js?lang=en', { type: 'module' });
      const got = [];
      const done = new Promise((resolve) => {
        w.onmessage = (e) => {
          if (e.data.progress) return;
          got.push(e.data);
          if (got.length === inputs.length) resolve();
        };
      });
      inputs.forEach(([text, lang, keylog], i) => w.postMessage({ id: i, op: 'analyze', bytes: new TextEncoder().encode(text), lang, keylog }));
      await done;
      w.terminate();
      return got.map((d) => [d.id, d.core, d.error || d.result.connections.map((c) => c.summary.version_name).join()]);
    }, [[readFileSync(TLS12_SAMPLE, 'utf8'), 'en'], [readFileSync(TLS13_SAMPLE, 'utf8'), 'zh'], [readFileSync(TLS12_SAMPLE, 'utf8'), 'en', readFileSync(join(ROOT, 'tests', 'data', 'tls12-ecdhe-rsa.keylog'), 'utf8')], [readFileSync(TLS13_SAMPLE, 'utf8'), 'en']]);
    assert.deepEqual(replies, [[0, 'lite', 'TLS 1.2'], [1, 'lite', 'TLS 1.3'], [2, 'full', 'TLS 1.2'], [3, 'full', 'TLS 1.3']]);
    // QUIC (encrypted even without a key log) and captures carrying their key log go to the full core.
    for (const f of ['www/samples/quic-illustrated.pcapng', 'www/samples/chromium.pcapng']) assert.ok(handed.includes(f), `${f} was not handed over: ${handed.join(', ')}`);
    assert.ok(same > 100, `${same} of ${files.length} inputs answered by the lite core`);
    console.log(`lite core: ${same} of ${files.length} inputs answered as the full core does; ${handed.length} handed to it`);
  } finally {
    await context.close();
  }
});

test('w. a resumption sample: the page says how it resumed and what became of 0-RTT, in both languages', async () => {
  const { context, page, consoleErrors, pageErrors } = await openPage();
  try {
    await page.waitForSelector('#steps li[data-step]');
    await page.selectOption('#samples', 'tls13-psk-0rtt.pcapng');
    await page.waitForFunction(() => document.querySelectorAll('#connections li[data-conn]').length === 2);
    await page.click('#connections li[data-conn="1"]');
    await page.waitForSelector('#connections li[data-conn="1"][aria-selected="true"]');
    await page.waitForFunction(() => /0-RTT accepted/.test(document.getElementById('summary').textContent));
    const summary = await page.textContent('#summary');
    assert.match(summary, /resumed: PSK \+ \(EC\)DHE/);
    const steps = await page.$$eval('#steps li[data-step]', (lis) => lis.map((li) => li.textContent));
    assert.ok(steps.some((s) => /EndOfEarlyData/.test(s)), steps.join(' | '));
    // The same connection in Chinese.
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => /接受了 0-RTT/.test(document.getElementById('summary').textContent));
    assert.match(await page.textContent('#summary'), /会话恢复：PSK \+ \(EC\)DHE/);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'psk-0rtt-zh.png'), fullPage: false });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

// The README's pictures (docs/img/, committed; `make screenshots` copies them from this test's
// screenshots) must still show the page as it is laid out today. Not pixel by pixel: each
// picture and its fresh screenshot have the same size, and their 32-column grey-level thumbnails
// differ by less than 12% on average (a moved panel or a new colour scheme shows up; a changed
// digit or text wrap does not).
const PICTURES = [['default.png', 'default-view.png'], ['default-dark.png', 'default-dark-view.png'], ['tls13-decrypted.png', 'l-tls13-decrypted.png'], ['embed.png', 's-embed-compact.png']];

/** A PNG (8-bit, non-interlaced, greyscale / RGB / RGBA, as Chromium writes them) as grey levels. */
function readPng(file) {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 1, 4), 'PNG', `${file} is not a PNG`);
  let at = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < b.length) {
    const len = b.readUInt32BE(at), type = b.toString('latin1', at + 4, at + 8), data = b.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      assert.equal(data[8], 8, `${file}: bit depth`); assert.equal(data[12], 0, `${file}: interlaced`);
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[data[9]];
      assert.ok(channels, `${file}: colour type ${data[9]}`);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels, grey = new Float32Array(width * height);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0, up = prev[i], c = i >= channels ? prev[i - channels] : 0;
      const p = a + up - c, pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c);
      const pred = [0, a, up, (a + up) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? up : c][f];
      cur[i] = (line[i] + pred) & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = x * channels;
      grey[y * width + x] = channels >= 3 ? (cur[o] + cur[o + 1] + cur[o + 2]) / 3 : cur[o];
    }
    prev = cur;
  }
  return { width, height, grey };
}

function thumbnail({ width, height, grey }, cols = 32) {
  const cell = width / cols, rows = Math.max(1, Math.round(height / cell)), out = new Float32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor(y / cell));
    for (let x = 0; x < width; x++) out[r * cols + Math.min(cols - 1, Math.floor(x / cell))] += grey[y * width + x];
  }
  const n = cell * cell;
  return out.map((v) => v / n);
}

test('x. the README\'s pictures still match the page as it is laid out', () => {
  const docs = join(ROOT, 'docs', 'img');
  for (const [picture, fresh] of PICTURES) {
    const a = readPng(join(docs, picture)), b = readPng(join(OUT, fresh));
    // The layout, not the pixels: the same width, a height within 10% (a text that grew by a
    // line moves what follows it by a few pixels), the rows both have compared.
    assert.equal(a.width, b.width, `docs/img/${picture} and tests/browser/out/${fresh} differ in width: run make screenshots`);
    assert.ok(Math.abs(a.height - b.height) <= 0.1 * a.height, `docs/img/${picture} is ${a.height} px tall, the page ${b.height} px: run make screenshots`);
    const rows = Math.min(a.height, b.height);
    const ta = thumbnail({ ...a, height: rows }), tb = thumbnail({ ...b, height: rows });
    const diff = ta.reduce((n, v, i) => n + Math.abs(v - tb[i]), 0) / ta.length / 255;
    console.log(`# x: docs/img/${picture} vs ${fresh}: ${(diff * 100).toFixed(1)}% mean grey difference`);
    assert.ok(diff < 0.12, `docs/img/${picture} no longer looks like the page (${(diff * 100).toFixed(1)}%): run make screenshots`);
  }
  // A picture of another page is told apart (the check can fail).
  const other = thumbnail(readPng(join(docs, 'default-dark.png'))), light = thumbnail(readPng(join(docs, 'default.png')));
  assert.ok(other.reduce((n, v, i) => n + Math.abs(v - light[i]), 0) / other.length / 255 >= 0.12, 'the light and dark pictures are told apart');
});

test('y. the full <tls-lens> element lays itself out by its own width, from a phone to a wide article', async () => {
  for (const width of [360, 600, 900, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(base + 'embed-docs.html');
      await page.waitForSelector('#ex1 .card[data-name="Certificate"]');
      const m = await page.$eval('#ex1', (e) => ({
        host: e.getBoundingClientRect().height,
        hostWidth: e.getBoundingClientRect().width,
        fields: e.shadowRoot.querySelector('.card-fields').getBoundingClientRect().width,
        scroll: document.documentElement.scrollWidth,
      }));
      // The fields column keeps at least 60% of the element (once "F I E L D S" stacked one
      // letter a line, the element 17,000-28,000 px tall).
      assert.ok(m.fields >= 0.6 * m.hostWidth - 40 || m.fields >= 420, `${width} px: fields column ${m.fields.toFixed(0)} of ${m.hostWidth.toFixed(0)} px`);
      assert.ok(m.host < 5000, `${width} px: the element is ${m.host.toFixed(0)} px tall`);
      assert.ok(m.scroll <= width + 12, `${width} px: page ${m.scroll} px wide`);
      if (width === 600) await page.locator('#ex1').screenshot({ path: join(OUT, 'y-element-600.png') });
    } finally {
      await context.close();
    }
  }
});

test('z. a trap in the core restarts the worker and the page says so; a file over the memory budget is refused, the page keeps working', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  let workers = 0;
  page.on('worker', () => { workers += 1; });
  // Fault injection: the worker's core traps (as a Rust panic does: WebAssembly.RuntimeError
  // "unreachable") on one input, the pasted text "de ad be" (the page sends the text's bytes);
  // every other input is analysed as usual.
  await page.route('**/worker.js*', async (route) => {
    const res = await route.fetch();
    const body = (await res.text()).replace(
      'return core.analyze(input, d.lang, d.keylog || undefined);',
      "if (new TextDecoder().decode(input) === 'de ad be') throw new WebAssembly.RuntimeError('unreachable');\n  return core.analyze(input, d.lang, d.keylog || undefined);",
    );
    assert.ok(body.includes("=== 'de ad be'"), 'the fault was injected');
    await route.fulfill({ response: res, body });
  });
  const sparse = join(OUT, 'over-budget.pcap');
  try {
    await page.goto(base);
    await page.waitForSelector('body[data-state="ready"]');
    // (The default view needs no worker: the first move starts one.)
    const started = page.waitForEvent('worker');
    await page.click('#input');
    await started;
    const before = workers;
    await explainText(page, 'de ad be');
    const status = await page.textContent('#status');
    assert.match(status, /analysis core failed on this input.*restarted/);
    assert.match(await page.textContent('ul.diagnostics'), /unreachable/);
    assert.equal(workers, before + 1, 'one fresh worker');
    // The fresh worker answers.
    await explainText(page, readFileSync(TLS13_SAMPLE, 'utf8'));
    assert.equal(await page.$('ul.diagnostics'), null);
    assert.ok((await stepsOf(page)).length >= 3);
    assert.doesNotMatch(await page.textContent('#status'), /restarted/);

    // A 1.1 GB file (sparse on disk: no bytes are read) is refused by its size, before it is
    // read; the explanation on screen stays, and the page goes on working.
    mkdirSync(OUT, { recursive: true });
    execFileSync('truncate', ['-s', '1100M', sparse]);
    const steps = (await stepsOf(page)).length;
    await page.setInputFiles('#file', sparse);
    await page.waitForFunction(() => /larger than 1 GB/.test(document.querySelector('#status').textContent));
    assert.equal((await stepsOf(page)).length, steps);
    await explainText(page, readFileSync(TLS12_SAMPLE, 'utf8'));
    assert.equal((await stepsOf(page)).length, 10);
    assert.deepEqual(pageErrors, []);
  } finally {
    rmSync(sparse, { force: true });
    await context.close();
  }
});
