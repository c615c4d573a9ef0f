// Writes www/index.html: the page (www/page.html) with the default sample's first view already
// in it, so that the first explanation a reader sees needs no script, no JSON and no wasm.
//
//   node www/build/prerender.mjs          (make wasm runs it; needs the CLI and pkg/default-en.json)
//
// The view is not written by hand or by a second renderer: the page itself draws it. A headless
// Chromium opens page.html (served by `tls-lens serve`), which draws the default sample from
// pkg/default-en.json as it always does; the body is taken at the next frame after that drawing
// (`tls-lens:rendered`), i.e. exactly the first frame a reader's browser would show, before the
// card's field tree and bytes (built after that frame). It is drawn in each of the page's
// languages: the English body is the page's body, the Chinese one waits in a <template> at its
// end that boot.js puts in place once the document is parsed when it chose Chinese. The
// regions it filled carry `data-prerendered`; a <meta> tells boot.js the views' languages and
// the dates their certificates are valid between, so that boot.js can hide the view when it is
// not the one the page would draw (a permalink, a certificate not valid by the reader's clock).
//
// Without Chromium (CHROMIUM, else /usr/bin/chromium, and one that starts) or playwright-core,
// index.html is page.html with boot.js inline: the page then draws its first view with its
// scripts (about 40 ms later on the development machine, see tests/bench/README.md).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(WWW, '..');
const OUT = join(WWW, 'index.html');
const CLI = join(ROOT, 'target', 'release', 'tls-lens');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The body's language first; the others go in templates.
const LANGS = [['en', 'en-US'], ['zh', 'zh-CN']];
const template = readFileSync(join(WWW, 'page.html'), 'utf8');

/** JS as an inline script's text, and its hash for the CSP. */
function inlined(code) {
  // As the HTML parser will hand it to the CSP check: line breaks as LF (a CRLF checkout would
  // else not match its hash), and nothing that could end the element early ("</script") or
  // open an escaped text state ("<!--").
  const text = code.replace(/\r\n?/g, '\n').replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  return { text, hash: `'sha256-${createHash('sha256').update(text).digest('base64')}'` };
}

/**
 * boot.js inline, before the stylesheet, allowed by its SHA-256 in the Content-Security-Policy:
 * a script element with src in the head stops the parser until it is fetched (and until the
 * stylesheet before it is), which held the first paint back by 20-30 ms here
 * (tests/bench/README.md). Inline, it runs as soon as it is parsed.
 */
function inlineBoot(html) {
  const { text: boot, hash } = inlined(readFileSync(join(WWW, 'boot.js'), 'utf8'));
  const tag = '  <script src="boot.js"></script>\n';
  const css = '<link rel="stylesheet" href="style.css">';
  const csp = "script-src 'self'";
  if (!html.includes(tag) || !html.includes(css) || !html.includes(csp)) throw new Error('page.html changed: no boot.js, stylesheet or script-src to inline it by');
  return html.replace(tag, '').replace(csp, () => `${csp} ${hash}`).replace(css, () => `<script>${boot}</script>\n  ${css}`);
}

function plain(why) {
  writeFileSync(OUT, inlineBoot(template));
  console.log(`www/index.html: page.html without a prerendered view (${why})`);
}

const freePort = () => new Promise((ok, bad) => {
  const s = net.createServer();
  s.on('error', bad);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/** The dates every certificate of these analyses is valid between (none: no bound). */
function validity(results) {
  let from = null;
  let until = null;
  for (const c of results.flatMap((r) => r.connections || [])) {
    for (const x of c.certificates || []) {
      if (x.not_before && (from === null || Date.parse(x.not_before) > Date.parse(from))) from = x.not_before;
      if (x.not_after && (until === null || Date.parse(x.not_after) < Date.parse(until))) until = x.not_after;
    }
  }
  return { from, until };
}

/** In the page, at the frame after the first view was drawn: its body as markup. */
function takeBody() {
  const input = document.getElementById('input');
  input.textContent = input.value;
  for (const sel of document.querySelectorAll('select')) {
    for (const o of sel.options) o.toggleAttribute('selected', o.value === sel.value);
  }
  // What app.js draws or rewrites when it runs.
  for (const q of ['#input', '#samples', '#status', '#summary', '#diff-panel', '#flow-panel', '.workspace']) {
    const node = document.querySelector(q);
    if (!node) throw new Error(`page.html has no ${q}`);
    node.setAttribute('data-prerendered', '');
  }
  // The page's Content-Security-Policy forbids style attributes in markup.
  const styled = document.body.querySelector('[style]');
  if (styled) throw new Error(`a style attribute in the first view: <${styled.localName} class="${styled.className}">`);
  return { body: document.body.innerHTML, title: document.title, lang: document.documentElement.lang };
}

async function main() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return plain('no playwright-core: run make setup');
  }
  if (!existsSync(CHROMIUM)) return plain(`no Chromium at ${CHROMIUM}`);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: make cli first`);
  const { from, until } = validity(LANGS.map(([lang]) => JSON.parse(readFileSync(join(WWW, 'pkg', `default-${lang}.json`), 'utf8'))));
  const now = Date.now();
  if ((from && Date.parse(from) > now) || (until && Date.parse(until) < now)) {
    // The page would not use the analysis made at build time either (boot.js's timeless).
    return plain('a certificate of the default sample is not valid today');
  }

  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  } catch (e) {
    return plain(`Chromium at ${CHROMIUM} did not start: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  }
  const port = await freePort();
  const server = spawn(CLI, ['serve', WWW, '--port', String(port)], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(base + 'page.html')).ok) break;
      } catch { /* not yet */ }
      if (i > 100) throw new Error('tls-lens serve did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const views = [];
    for (const [lang, locale] of LANGS) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, colorScheme: 'light' });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(`(() => {
        const mark = performance.mark.bind(performance);
        performance.mark = (name, opts) => {
          if (name === 'tls-lens:rendered' && !globalThis.__firstView) {
            globalThis.__firstView = 'pending';
            requestAnimationFrame(() => {
              try { globalThis.__firstView = (${takeBody})(); } catch (e) { globalThis.__firstView = { error: String(e) }; }
            });
          }
          return mark(name, opts);
        };
      })()`);
      await page.goto(`${base}page.html?lang=${lang}`);
      await page.waitForFunction(() => globalThis.__firstView && globalThis.__firstView !== 'pending', null, { timeout: 30_000 });
      const view = await page.evaluate(() => globalThis.__firstView);
      await context.close();
      if (view.error) throw new Error(`${lang}: ${view.error}`);
      if (errors.length) throw new Error(`${lang}: the page failed: ${errors.join('; ')}`);
      if (!/<li [^>]*data-step=/.test(view.body)) throw new Error(`${lang}: the first view has no steps`);
      if (/<\/?(template|script)\b/i.test(view.body)) throw new Error(`${lang}: a template or script in the first view`);
      views.push({ ...view, htmlLang: view.lang, lang });
    }
    const steps = (views[0].body.match(/<li [^>]*data-step=/g) || []).length;

    const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const langs = views.map((v) => v.lang).join(' ');
    const meta = `<meta name="tls-lens-prerendered" content="${langs}" data-lang="${views[0].lang}" data-langs="${langs}"`
      + (from ? ` data-not-before="${attr(from)}"` : '')
      + (until ? ` data-not-after="${attr(until)}"` : '') + '>';
    const open = template.indexOf('<body');
    const openEnd = template.indexOf('>', open) + 1;
    const close = template.lastIndexOf('</body>');
    const charset = '<meta charset="utf-8">';
    if (open < 0 || close < openEnd || !template.includes(charset)) throw new Error('page.html changed: no <body> or charset to put the view in');
    // The body tag of page.html (its data-state="loading": the page is not ready before app.js runs).
    // The other languages' views, for boot.js to put in place (at the end: the body's own view is
    // parsed and painted first).
    const others = views.slice(1).map((v) => `<template id="tls-lens-prerendered-${v.lang}" data-html-lang="${attr(v.htmlLang)}" data-title="${attr(v.title)}">${v.body}</template>\n`).join('');
    const body = `${views[0].body}\n${others}`;
    const html = inlineBoot((template.slice(0, openEnd) + body + template.slice(close)).replace(charset, `${charset}\n  ${meta}`));
    writeFileSync(OUT, html);
    console.log(`www/index.html: the default sample's first view prerendered in ${langs} (${steps} steps, ${(html.length / 1024).toFixed(0)} KB)`);
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e) => {
  console.error(`prerender: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
