import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const dirs = { bundle: ['/tmp/wwwb', 'tls-lens:painted'], cv: ['/tmp/wwwc', 'tls-lens:painted'], anchor: ['../shared/anchors/illustrated-tls13-site', 'anchor:painted'] };
const servers = {}; let port = 8780;
for (const [k, [d]] of Object.entries(dirs)) { servers[k] = { p: spawn('target/release/tls-lens', ['serve', d, '--port', String(port)], { stdio: 'ignore' }), url: `http://127.0.0.1:${port}/` }; port++; }
await new Promise((r) => setTimeout(r, 600));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const t = { bundle: [], cv: [], anchor: [] };
for (let run = 0; run < 9; run++) for (const [k, [, mark]] of Object.entries(dirs)) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (k === 'anchor') await page.addInitScript(() => addEventListener('load', () => requestAnimationFrame(() => setTimeout(() => performance.mark('anchor:painted'), 0))));
  await page.goto(servers[k].url);
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
  t[k].push(await page.evaluate((m) => [Math.round(performance.getEntriesByName(m)[0].startTime), Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime)], mark));
  await context.close();
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const k of Object.keys(t)) console.log(k, 'painted', med(t[k].map((x) => x[0])), 'fcp', med(t[k].map((x) => x[1])));
await browser.close(); for (const s of Object.values(servers)) s.p.kill();
