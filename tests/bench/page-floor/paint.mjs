// Loads site/page.html?m=empty|floor|lite|core in fresh headless Chromium contexts and prints, per mode,
// when the worker's answer reached the page (ms after navigation) and how long its analysis took.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';

const site = process.argv[2];
const runs = Number(process.env.RUNS || 9);
const port = 19000 + Math.floor(Math.random() * 900);
const server = spawn('target/release/tls-lens', ['serve', site, '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  for (const mode of ['empty', 'floor', 'lite', 'core']) {
    const at = [];
    const took = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`http://127.0.0.1:${port}/page.html?m=${mode}`);
      await page.waitForFunction(() => performance.getEntriesByName('floor:answer').length > 0, null, { timeout: 20000 });
      const m = await page.evaluate(() => { const e = performance.getEntriesByName('floor:answer')[0]; return { startTime: e.startTime, detail: e.detail }; });
      at.push(Math.round(m.startTime));
      took.push(Math.round(m.detail));
      await ctx.close();
    }
    console.log(`${mode.padEnd(5)}: answer on the page after ${median(at)} ms (median of ${runs}; ${Math.min(...at)}-${Math.max(...at)}), analysis ${median(took)} ms`);
  }
} finally {
  await browser.close();
  server.kill();
}
