import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const s = spawn('target/release/tls-lens', ['serve', process.argv[2] || 'www', '--port', '8772'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (let i = 0; i < 2; i++) {
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await browser.startTracing(page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'blink.user_timing', 'v8.execute'] });
await page.goto('http://127.0.0.1:8772/');
await page.waitForFunction(() => performance.getEntriesByName('tls-lens:painted').length > 0);
await browser.stopTracing();
const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]));
await context.close();
if (i === 0) continue;
const tr = JSON.parse(readFileSync('/tmp/trace.json', 'utf8'));
const ev = (tr.traceEvents || tr);
const nav = ev.find((e) => e.name === 'navigationStart' || e.name === 'NavigationBodyLoader::StartLoadingBody') ;
const t0 = Math.min(...ev.filter(e=>e.name==='ParseHTML').map(e=>e.ts)) ;
console.log('marks', JSON.stringify(marks));
for (const e of ev.filter(e => e.ph === 'X' && e.dur > 1000 && ['ParseHTML','UpdateLayoutTree','Layout','Paint','PrePaint','Layerize','v8.evaluateModule','EvaluateScript','FunctionCall','TimerFire','FireAnimationFrame','MajorGC','MinorGC','v8.compile','v8.run','ParseAuthorStyleSheet','HitTest','Commit','RunMicrotasks', 'v8.callFunction'].includes(e.name)).sort((a,b)=>a.ts-b.ts)) console.log(((e.ts - t0) / 1000).toFixed(1), e.name, (e.dur / 1000).toFixed(1), e.args?.data?.url?.replace(/.*\//,'') || e.args?.data?.functionName || '');
}
await browser.close(); s.kill();
