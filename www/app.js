// TLS Lens page glue: reads the input, has the wasm core (in worker.js) analyse it, switches
// language and renders. Captures above OVERVIEW_MIN bytes are first listed connection by
// connection (a streaming scan with a progress bar and a cancel button), then explained one
// connection at a time.
import { LANGS, setLang, getLang, t, applyStatic } from './i18n.js';
import { el, clear, hexToBytes } from './render/dom.js';
import { renderSteps, markSelected, bindSteps } from './render/steps.js';
import { renderCard, bindCardHover, focusSpan } from './render/card.js';
import { renderSummary, resetConnFilter, markAsn1 } from './render/summary.js';
import { renderDiff } from './render/diff.js';
import { renderFlow, markFlow, flowOutOfShape } from './render/flow.js';
import { WorkerClient, browserLang, isCaptureFile } from './worker-client.js';

const SAMPLES = [
  {
    file: 'tls12-ecdhe-rsa.hex',
    label: {
      en: 'TLS 1.2 · ECDHE-RSA-AES128-GCM-SHA256 (real capture)',
      zh: 'TLS 1.2 · ECDHE-RSA-AES128-GCM-SHA256（真实抓包）',
    },
  },
  {
    file: 'tls13-rfc8448.hex',
    label: {
      en: 'TLS 1.3 · simple 1-RTT handshake (RFC 8448 §3)',
      zh: 'TLS 1.3 · 简单 1-RTT 握手（RFC 8448 §3）',
    },
  },
  {
    file: 'tls13-hrr.pcapng',
    binary: true,
    label: {
      en: 'TLS 1.3 with a HelloRetryRequest (pcapng with its key log; OpenSSL)',
      zh: 'TLS 1.3 与 HelloRetryRequest（内嵌密钥日志的 pcapng；OpenSSL）',
    },
  },
  {
    file: 'tls13-psk-0rtt.pcapng',
    binary: true,
    label: {
      en: 'TLS 1.3 resumption with a PSK and 0-RTT early data (pcapng with its key log; OpenSSL)',
      zh: 'TLS 1.3 用 PSK 恢复会话并发送 0-RTT 早期数据（内嵌密钥日志的 pcapng；OpenSSL）',
    },
  },
  {
    file: 'go-tls12-client-cert.txt',
    label: {
      en: 'TLS 1.2 with a client certificate, mTLS (Go crypto/tls test transcript)',
      zh: 'TLS 1.2 客户端证书，双向认证（Go crypto/tls 测试记录）',
    },
  },
  {
    file: 'go-tls12-resume.txt',
    label: {
      en: 'TLS 1.2 session resumption (Go crypto/tls test transcript)',
      zh: 'TLS 1.2 会话恢复（Go crypto/tls 测试记录）',
    },
  },
  {
    file: 'tls-failed.pcap',
    binary: true,
    label: {
      en: 'A failed handshake: protocol_version alert (TLS 1.2-only client, TLS 1.3-only server)',
      zh: '失败的握手：protocol_version 警报（仅 TLS 1.2 的客户端，仅 TLS 1.3 的服务器）',
    },
  },
  {
    file: 'chromium.pcapng',
    binary: true,
    label: {
      en: 'A browser: Chromium 156 with GREASE, ECH GREASE and an X25519MLKEM768 key share (pcapng with its key log)',
      zh: '浏览器：Chromium 156，含 GREASE、ECH GREASE 与 X25519MLKEM768 密钥共享（内嵌密钥日志的 pcapng）',
    },
  },
  {
    file: 'quic-illustrated.pcapng',
    binary: true,
    label: {
      en: 'QUIC v1 + TLS 1.3 (pcapng with its key log; The Illustrated QUIC Connection)',
      zh: 'QUIC v1 + TLS 1.3（内嵌密钥日志的 pcapng；The Illustrated QUIC Connection）',
    },
  },
  {
    file: 'tls12-ecdhe-rsa.pcap',
    binary: true, // a capture file: fetched as bytes and passed to the core as they are
    label: {
      en: 'TLS 1.2 capture (pcap, OpenSSL + curl)',
      zh: 'TLS 1.2 抓包文件（pcap，OpenSSL + curl）',
    },
  },
];
const DEFAULT_SAMPLE = 'tls12-ecdhe-rsa.hex';
const OVERVIEW_MIN = 8 * 1024 * 1024;
const FILE_MAX = 1024 * 1024 * 1024; // beyond this a browser tab runs out of memory
const LANG_KEY = 'tls-lens.lang';
const THEME_KEY = 'tls-lens.theme';
const LINK_MAX = 100 * 1024; // characters of compressed input a link may carry

const $ = (id) => document.getElementById(id);
const ui = {
  input: $('input'),
  explain: $('explain'),
  samples: $('samples'),
  file: $('file'),
  keylog: $('keylog'),
  lang: $('lang'),
  theme: $('theme'),
  status: $('status'),
  summary: $('summary'),
  diff: $('diff-panel'),
  flow: $('flow'),
  flowPanel: $('flow-panel'),
  share: $('share'),
  markdown: $('markdown'),
  mdOut: $('md-out'),
  pcapng: $('pcapng'),
  shareKeylog: $('share-keylog'),
  keylogClear: $('keylog-clear'),
  shareKeylogLabel: $('share-keylog-label'),
  steps: $('steps'),
  hideOpened: $('hide-opened'),
  hideOpenedLabel: $('hide-opened-label'),
  card: $('card'),
  inputPanel: $('input-panel'),
};

// index.html holds the default view drawn at build time (www/build/prerender.mjs) until
// renderAll draws over it or dropPrerendered empties it.
let prerenderedView = !!document.querySelector('meta[name="tls-lens-prerendered"]');

const state = {
  restarted: false, // the core failed and a fresh worker was started: the status says so once
  bytes: null,        // Uint8Array last analysed
  source: null,       // { kind: 'text' } | { kind: 'file', name } | { kind: 'binary-sample', name }
  result: null,       // tls-lens/1 object
  conn: 0,            // connection index
  step: null,         // selected step number
  stream: null,       // Uint8Array of the selected connection's bytes
  missing: new Set(), // sample files that failed to load
  ready: false,
  firstView: false,   // the next render is the page's first view (its card body comes after the first frame)
  overview: null,     // for big captures: the scan of every connection (conn indexes into it)
  keylog: '',         // SSLKEYLOGFILE text from the key log picker (decryption)
  keylogName: '',
  ms: 0,              // how long the last analysis took
  diff: freshDiff(),  // "Compare two ClientHellos": picks, the other file, the last comparison
};

function freshDiff() {
  return { a: null, b: null, file: null, fileName: '', result: null };
}

// ---- the worker -----------------------------------------------------------------------------

let client = null; // WorkerClient of the current worker
let sentBytes = null; // the Uint8Array the worker holds

function startWorker() {
  // The single-file build (www/build/single-file.mjs) brings its worker as a Blob URL.
  const single = globalThis.TLS_LENS_WORKER_URL;
  // boot.js started the first one early (see index.html); a restart makes a new one.
  let worker = globalThis.TLS_LENS_EARLY_WORKER;
  if (!worker) {
    worker = new Worker(single || new URL(`./worker.js?lang=${getLang()}`, import.meta.url), { type: single ? 'classic' : 'module' });
    // Its answer would come from the old worker (a prerendered one comes from no worker).
    if (!(globalThis.TLS_LENS_EARLY && globalThis.TLS_LENS_EARLY.prerendered)) globalThis.TLS_LENS_EARLY = null;
  }
  globalThis.TLS_LENS_EARLY_WORKER = null;
  sentBytes = null;
  client = new WorkerClient(worker);
}

/** The worker, started now if it was not yet (the default view needs none). */
function ensureWorker() {
  if (!client) startWorker();
}

/** Ask the worker; the current input's bytes go along only when the worker lacks them. */
function call(op, extra = {}, onProgress = null) {
  const msg = { op, lang: getLang(), ...extra };
  const early = takeEarly(msg);
  if (early) return early;
  ensureWorker();
  msg.id = client.nextId();
  if (state.bytes && sentBytes !== state.bytes) {
    msg.bytes = state.bytes;
    sentBytes = state.bytes;
  }
  return client.request(msg, onProgress);
}

/**
 * boot.js's analysis of the default sample, when this call asks for exactly that (same bytes,
 * same language, no key log): the worker holds those bytes already. Used once.
 */
function takeEarly(msg) {
  const early = globalThis.TLS_LENS_EARLY;
  if (!early || msg.op !== 'analyze' || msg.keylog || msg.lang !== early.lang || !sameBytes(state.bytes, early.bytes)) return null;
  globalThis.TLS_LENS_EARLY = null;
  sentBytes = state.bytes;
  return early.reply.then((d) => {
    if (!d) throw new Error('the early analysis did not run');
    if (d.error !== undefined) throw new Error(d.error);
    return d;
  });
}

function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Stop a long analysis: the worker is dropped and a fresh one started. */
function cancel() {
  if (client) client.terminate(new Error('cancelled'));
  startWorker();
}

function showProgress(done, total) {
  const mb = (n) => (n / 1e6).toFixed(1);
  clear(ui.status);
  ui.status.className = 'status busy';
  ui.status.append(
    el('progress', { id: 'progress', max: String(total), value: String(done), 'aria-label': t('status.reading') }),
    ' ',
    el('span', { text: t('status.progress', mb(done), mb(total)) }),
    ' ',
    el('button', { type: 'button', id: 'cancel', class: 'link-btn', text: t('status.cancel'), on: { click: cancel } }),
  );
}

/** Light, dark or (no attribute) the system's. */
function applyTheme(v) {
  if (v === 'light' || v === 'dark') document.documentElement.dataset.theme = v;
  else delete document.documentElement.dataset.theme;
  ui.theme.value = v === 'light' || v === 'dark' ? v : 'auto';
}

function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q && LANGS.some((l) => l.code === q)) return q;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved && LANGS.some((l) => l.code === saved)) return saved;
  } catch { /* storage may be disabled */ }
  return browserLang();
}

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = kind ? `status ${kind}` : 'status';
}

function buildLangSelect() {
  clear(ui.lang);
  for (const l of LANGS) ui.lang.appendChild(el('option', { value: l.code, selected: l.code === getLang(), text: l.label }));
}

function buildSamples() {
  const cur = ui.samples.value;
  clear(ui.samples);
  ui.samples.appendChild(el('option', { value: '', text: t('input.samples.choose') }));
  for (const s of SAMPLES) {
    ui.samples.appendChild(el('option', {
      value: s.file,
      disabled: state.missing.has(s.file),
      text: s.label[getLang()] || s.label.en,
    }));
  }
  ui.samples.value = cur;
}

function currentConn() {
  const r = state.result;
  if (!r || !r.connections) return null;
  return state.overview ? r.connections[0] : r.connections[state.conn];
}

function failure(err) {
  return {
    input: { kind: 'unknown', bytes: state.bytes ? state.bytes.length : 0, directions: 'none' },
    connections: [],
    diagnostics: [{ severity: 'error', offset: 0, message: String(err && err.message ? err.message : err) }],
  };
}

async function run({ keepStep = false } = {}) {
  ui.mdOut.hidden = true; // a Markdown copy of the last input is stale now
  if (!state.bytes) return;
  document.body.dataset.state = 'busy';
  if (!keepStep) {
    state.conn = 0;
    state.step = null;
    state.diff = freshDiff();
    resetConnFilter();
  }
  if (state.bytes.length > FILE_MAX) {
    state.overview = null;
    state.result = failure(t('status.tooBig', (FILE_MAX / 1e9).toFixed(0)));
    renderAll();
    setStatus(t('status.tooBig', (FILE_MAX / 1e9).toFixed(0)), 'has-errors');
    document.body.dataset.state = 'ready';
    return;
  }
  const big = state.bytes.length >= OVERVIEW_MIN && isCaptureFile(state.bytes);
  try {
    if (big) {
      if (!keepStep || !state.overview) {
        showProgress(0, state.bytes.length);
        const r = await call('overview', {}, showProgress);
        state.overview = r.result;
        state.ms = r.ms;
      }
      await explainPicked();
      return;
    }
    state.overview = null;
    const r = await call('analyze', { keylog: state.keylog });
    performance.mark('tls-lens:analysed', { detail: r.ms });
    state.result = r.result;
    state.ms = r.ms;
    if (state.diff.result && !state.diff.result.error) await compare({ a: state.diff.a, b: state.diff.b });
  } catch (err) {
    if (String(err && err.message) === 'cancelled') {
      state.overview = null;
      state.result = null;
      renderAll();
      setStatus(t('status.cancelled'));
      document.body.dataset.state = 'ready';
      return;
    }
    // The core never throws for bad input; anything here is a bug or the tab's memory.
    state.overview = null;
    state.result = failure(err);
    coreFailed(err);
  }
  // The page's first view (the default sample): the card's field tree and bytes come right
  // after the first frame.
  const later = state.firstView;
  state.firstView = false;
  renderAll({ later });
  performance.mark('tls-lens:rendered');
  finishStatus();
}

/** After a trap in the core or a dead worker: a fresh worker, and the status says so. */
function coreFailed(err) {
  if (!err || !err.fatal) return;
  client.terminate(err);
  startWorker();
  state.restarted = true;
}

/** Big captures: explain the picked connection of the overview. */
async function explainPicked() {
  const line = state.overview.connections[state.conn];
  document.body.dataset.state = 'busy';
  if (!line) {
    state.result = { ...state.overview, connections: [] };
  } else {
    try {
      const r = await call('explainStream', { stream: line.stream, transport: line.transport, keylog: state.keylog });
      state.result = r.result;
    } catch (err) {
      state.result = failure(err);
      coreFailed(err);
    }
  }
  renderAll();
  finishStatus();
}

function finishStatus() {
  ui.shareKeylogLabel.hidden = !state.keylog;
  ui.keylogClear.hidden = !state.keylog;
  const result = state.result || { input: {}, diagnostics: [] };
  const inp = (state.overview || result).input || {};
  let msg = t('status.explained', inp.bytes ?? state.bytes.length, inp.kind ?? '?', t('dirs.' + (inp.directions || 'none')));
  if (state.source && state.source.kind === 'file') msg = t('status.file', state.source.name, state.bytes.length) + ' ' + msg;
  if (state.source && state.source.kind === 'binary-sample') msg = t('status.binarySample', state.source.name) + ' ' + msg;
  const n = (state.overview || result).connections.length;
  if (n > 1) msg += ' ' + t('status.conns', n);
  if (state.keylogName) msg += ' ' + t('status.keylogFile', state.keylogName);
  if (result.input && result.input.keylog) msg += ' ' + t('status.keylog', result.input.keylog.entries, result.input.keylog.matched);
  if (state.overview) msg += ' ' + t('status.time', (state.ms / 1000).toFixed(2));
  if (state.restarted) {
    msg = t('status.coreRestarted') + ' ' + msg;
    state.restarted = false;
  }
  setStatus(msg, (result.diagnostics || []).some((d) => d.severity === 'error') ? 'has-errors' : '');
  document.body.dataset.state = 'ready';
}

function renderAll({ later = false } = {}) {
  const result = state.result || { input: {}, connections: [], diagnostics: [] };
  const list = state.overview ? state.overview.connections : (result.connections || []);
  if (state.conn >= list.length) state.conn = 0;
  renderSummary(ui.summary, result, {
    connIndex: state.overview ? 0 : state.conn,
    list: state.overview ? { rows: state.overview.connections, index: state.conn, others: state.overview.other_flows, diagnostics: state.overview.diagnostics } : null,
    onConnection: (i) => {
      if (i === state.conn) return;
      state.conn = i;
      state.step = null;
      if (state.overview) explainPicked();
      else renderAll();
    },
    onShowBytes: showBytes,
    onOffset: (off) => showBytes({ offset: off, len: 1 }),
    // The DER from its pieces (several where the Certificate message spans records).
    onAsn1: (c) => {
      const pieces = c.pieces && c.pieces.length ? c.pieces : [c.span];
      const der = new Uint8Array(pieces.reduce((n, p) => n + p.len, 0));
      let at = 0;
      for (const p of pieces) {
        der.set(state.stream.subarray(p.offset, p.offset + p.len), at);
        at += p.len;
      }
      return call('asn1', { der }).then((r) => r.result);
    },
  });
  const conn = currentConn();
  ui.hideOpenedLabel.hidden = !openedSteps((conn && conn.messages) || []).size;
  const messages = shownMessages(conn);
  state.stream = conn ? hexToBytes(conn.stream.hex) : new Uint8Array(0);
  if (!messages.some((m) => m.step === state.step)) state.step = messages.length ? messages[0].step : null;
  renderSteps(ui.steps, messages, state.step);
  // Shown before it is drawn: a narrow diagram is drawn at the width it is shown at.
  ui.flowPanel.hidden = !messages.length;
  renderFlow(ui.flow, messages, state.step, select);
  renderCard(ui.card, messages.find((m) => m.step === state.step), state.stream, conn && conn.stream.chunks, { later });
  renderDiffPanel();
  // The view drawn at build time (boot.js) is now replaced.
  prerenderedView = false;
  delete document.documentElement.dataset.prerendered;
}

/**
 * The view drawn at build time, when the page will not draw over it (boot.js hid it, or the
 * page could not draw the sample): emptied, so that what the page says instead (loading, a
 * failure, an empty input to paste into) is what the reader sees.
 */
function dropPrerendered() {
  if (prerenderedView) {
    prerenderedView = false;
    for (const n of [ui.summary, ui.flow, ui.steps, ui.card, ui.diff]) clear(n);
    ui.input.value = '';
    ui.samples.value = '';
    setStatus('');
  }
  delete document.documentElement.dataset.prerendered;
}

/** The steps shown: all, or (the toggle on) without the encrypted records a key log opened. */
function shownMessages(conn) {
  const all = (conn && conn.messages) || [];
  if (!ui.hideOpened.checked) return all;
  const opened = openedSteps(all);
  return all.filter((m) => !opened.has(m.step));
}

/** Steps of encrypted records that a key log opened: each is followed by what it held. */
function openedSteps(messages) {
  const out = new Set();
  messages.forEach((m, i) => {
    const next = messages[i + 1];
    if (m.encrypted && next && next.decrypted && next.span.offset >= m.span.offset + m.span.len) out.add(m.step);
  });
  return out;
}

/** Connections of this input as the comparison's choices (not for big captures' overviews). */
function diffChoices() {
  if (state.overview || !state.result) return [];
  return (state.result.connections || []).map((c, i) => {
    const s = c.summary || {};
    const num = c.tcp_stream ?? c.udp_stream ?? i;
    const ends = c.client && c.server ? ` ${c.client} → ${c.server}` : '';
    return { label: `#${num}${c.quic ? ' QUIC' : ''}${ends}${s.sni ? ' · ' + s.sni : ''}` };
  });
}

function renderDiffPanel() {
  const d = state.diff;
  renderDiff(ui.diff, {
    conns: diffChoices(),
    a: d.a ?? state.conn,
    b: d.b,
    fileName: d.fileName,
    result: d.result,
    onCompare: compare,
    onFile: async (f) => {
      d.file = new Uint8Array(await f.arrayBuffer());
      d.fileName = f.name;
      await compare({ a: d.a ?? state.conn, b: 'file' });
    },
    onText: async (text) => {
      d.file = new TextEncoder().encode(text);
      d.fileName = t('diff.pasted');
      await compare({ a: d.a ?? state.conn, b: 'file' });
    },
  });
}

/** Compare two ClientHellos in the worker (the core's diff) and show the result. */
async function compare({ a, b }) {
  const d = state.diff;
  d.a = a;
  d.b = b;
  const labels = diffChoices();
  const other = b === 'file';
  try {
    const r = await call('diff', {
      a,
      b: other ? 0 : b,
      bytesB: other ? d.file : undefined,
      labelA: (labels[a] || {}).label || 'A',
      labelB: other ? d.fileName : (labels[b] || {}).label || 'B',
    });
    d.result = r.result;
  } catch (err) {
    d.result = { error: String(err && err.message ? err.message : err) };
  }
  renderDiffPanel();
}

function select(step, { focus = false, scroll = false } = {}) {
  const conn = currentConn();
  const m = conn && conn.messages.find((x) => x.step === step);
  if (!m) return;
  const changed = step !== state.step;
  state.step = step;
  markSelected(ui.steps, step);
  markFlow(ui.flow, step);
  if (changed || !ui.card.querySelector('.card')) renderCard(ui.card, m, state.stream, conn.stream.chunks);
  const li = ui.steps.querySelector(`li[data-step="${step}"]`);
  if (li && focus) {
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: 'nearest' });
  }
  if (scroll) {
    const r = ui.card.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight * 0.6) ui.card.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }
}

/** Jump to the message holding span (e.g. a certificate) and light up its bytes. */
function showBytes(span) {
  const conn = currentConn();
  if (!conn) return;
  let best = null;
  for (const m of conn.messages) {
    if (span.offset >= m.span.offset && span.offset + span.len <= m.span.offset + m.span.len && (!best || m.span.len < best.span.len)) best = m;
  }
  if (!best) return;
  select(best.step, { scroll: true });
  focusSpan(span.offset, span.len);
}

// ---- permalinks: the input, compressed, in the URL fragment (never sent to a server) ----------

function toB64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function squeeze(bytes, mode) {
  const stream = new Blob([bytes]).stream().pipeThrough(mode === 'in' ? new CompressionStream('deflate-raw') : new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The selected connection alone as marked hex (C:/S: lines of the bytes that travelled, without
 * the records rebuilt from decrypted plaintext or decompressed certificates), for a link when
 * the whole input is too big for one; null for QUIC and DTLS, whose datagrams a hex dump does
 * not carry.
 */
function connectionText() {
  const c = currentConn();
  if (!c || c.quic || c.dtls || !c.stream || !c.stream.hex) return null;
  const out = [];
  for (const k of c.stream.chunks) {
    if (k.rebuilt || k.layer || (k.dir !== 'c2s' && k.dir !== 's2c')) continue;
    const hex = c.stream.hex.slice(2 * k.offset, 2 * (k.offset + k.len));
    const tag = k.dir === 'c2s' ? 'C:' : 'S:';
    for (let i = 0; i < hex.length; i += 64) out.push(`${tag} ${hex.slice(i, i + 64).replace(/(..)(?!$)/g, '$1 ')}`);
  }
  return out.length ? out.join('\n') : null;
}

/** The link for what is on screen: a sample by name, else the input itself, compressed (or, with
 * `conn`, one connection's text from connectionText()). */
async function permalink(conn = null) {
  const p = new URLSearchParams();
  if (conn) {
    p.set('in', toB64url(await squeeze(new TextEncoder().encode(conn.text), 'in')));
    p.set('name', conn.name);
  } else if (state.source && state.source.kind === 'binary-sample') p.set('sample', state.source.name);
  else if (state.source && state.source.kind === 'text' && ui.samples.value) p.set('sample', ui.samples.value);
  else {
    p.set('in', toB64url(await squeeze(state.bytes, 'in')));
    if (state.source && state.source.name) p.set('name', state.source.name);
  }
  const kl = state.keylog && ui.shareKeylog.checked;
  if (kl) p.set('kl', toB64url(await squeeze(new TextEncoder().encode(state.keylog), 'in')));
  p.set('conn', String(conn ? 0 : state.conn));
  // (One connection's link without its key log has fewer steps: its own step numbers differ.)
  if (state.step !== null && (!conn || kl)) p.set('step', String(state.step));
  p.set('lang', getLang());
  return `${location.origin}${location.pathname}#${p.toString()}`;
}

async function share() {
  if (!state.bytes) {
    setStatus(t('share.nothing'), 'has-errors');
    return;
  }
  const inPart = (l) => new URLSearchParams(l.split('#')[1]).get('in') || '';
  let link = state.overview ? null : await permalink();
  let one = null;
  let linked = null; // the tcp.stream of a one-connection link
  // The whole input too big for a link: the connection on screen alone, if it fits.
  if (!link || inPart(link).length > LINK_MAX) {
    const text = connectionText();
    if (!text) {
      setStatus(t('share.notLinkable'), 'has-errors');
      return;
    }
    const c = currentConn();
    linked = c && c.tcp_stream != null ? c.tcp_stream : null;
    const base = state.source && state.source.name ? state.source.name : t('share.fromLink');
    one = await permalink({ text, name: linked != null ? `${base} · tcp.stream ${linked}` : base });
    if (inPart(one).length > LINK_MAX) {
      setStatus(t('share.tooBig', Math.round(inPart(one).length / 1024)), 'has-errors');
      return;
    }
    link = one;
  }
  history.replaceState(null, '', link);
  const said = one ? (linked != null ? t('share.oneConn', linked) : t('share.oneConnNoNum')) + ' ' : '';
  try {
    await navigator.clipboard.writeText(link);
    setStatus(said + t('share.copied', link.length));
  } catch {
    setStatus(said + t('share.inAddressBar', link.length));
  }
}

/**
 * The input as a pcapng capture for Wireshark (the core writes it, the key log inside): saved
 * as a download. For a big capture, the connection on screen.
 */
async function downloadPcapng() {
  if (!state.bytes || !state.result) {
    setStatus(t('share.nothing'), 'has-errors');
    return;
  }
  if (!(state.result.connections || []).some((c) => c.stream && c.stream.hex)) {
    setStatus(t('pcap.noBytes'), 'has-errors');
    return;
  }
  const conn = currentConn();
  const one = state.overview && conn ? { stream: conn.tcp_stream ?? conn.udp_stream, transport: conn.udp_stream != null ? 'udp' : 'tcp' } : {};
  const bytes = (await call('pcapng', { keylog: state.keylog, ...one })).result;
  const base = (state.source && state.source.name ? state.source.name : ui.samples.value || 'tls-lens').replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'tls-lens';
  const name = `${base}${one.stream != null ? `-stream${one.stream}` : ''}.pcapng`;
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.tcpdump.pcap' }));
  const a = el('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  setStatus(t(hasSecretsBlock(bytes) ? 'pcap.savedKeys' : 'pcap.saved', name, bytes.length));
}

/** Does a pcapng capture hold a Decryption Secrets Block (type 0x0000000a)? Its key log may
 * come from the Key log… button or from the input itself (a pcapng with one). */
function hasSecretsBlock(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 0; at + 8 <= b.length;) {
    const len = v.getUint32(at + 4, true);
    if (v.getUint32(at, true) === 0x0a) return true;
    if (len < 12) return false;
    at += len;
  }
  return false;
}

/** The explanation as Markdown (the core writes it): to the clipboard, and shown under the input. */
async function copyMarkdown() {
  if (!state.bytes || !state.result) {
    setStatus(t('share.nothing'), 'has-errors');
    return;
  }
  if (state.overview) {
    setStatus(t('md.big'), 'has-errors');
    return;
  }
  const md = (await call('markdown', { keylog: state.keylog, fields: true })).result;
  ui.mdOut.value = md;
  ui.mdOut.hidden = false;
  try {
    await navigator.clipboard.writeText(md);
    setStatus(t('md.copied', md.length));
  } catch {
    setStatus(t('md.shown', md.length));
  }
}

/** Open what a link holds; false when the fragment holds no input. */
async function openLink() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (!p.has('in') && !p.has('sample')) return false;
  const lang = p.get('lang');
  if (lang && LANGS.some((l) => l.code === lang) && lang !== getLang()) {
    setLang(lang);
    buildLangSelect();
    applyStatic();
    buildSamples();
  }
  if (p.has('kl')) {
    state.keylog = new TextDecoder().decode(await squeeze(fromB64url(p.get('kl')), 'out'));
    state.keylogName = t('share.keylogFromLink');
  }
  if (p.has('sample')) {
    await loadSample(p.get('sample'), { keepKeylog: p.has('kl') });
  } else {
    const bytes = await squeeze(fromB64url(p.get('in')), 'out');
    const text = asText(bytes);
    ui.input.value = text !== null ? text.trimEnd() : '';
    ui.samples.value = '';
    state.bytes = bytes;
    state.source = p.has('name') ? { kind: 'file', name: p.get('name') } : { kind: text !== null ? 'text' : 'file', name: t('share.fromLink') };
    await run();
  }
  const conn = Number(p.get('conn'));
  const step = Number(p.get('step'));
  if (Number.isInteger(conn) && conn > 0 && state.result && conn < state.result.connections.length) state.conn = conn;
  if (p.has('step') && Number.isInteger(step)) state.step = step;
  renderAll();
  if (state.step !== null) select(state.step, { scroll: true });
  return true;
}

function explainText() {
  if (!state.ready) return;
  state.bytes = new TextEncoder().encode(ui.input.value);
  state.source = { kind: 'text' };
  return run();
}

async function loadSample(file, { keepKeylog = false } = {}) {
  // The single-file build embeds the samples (base64).
  const embedded = globalThis.TLS_LENS_SAMPLES && globalThis.TLS_LENS_SAMPLES[file];
  // boot.js fetched the default sample already.
  const early = globalThis.TLS_LENS_EARLY && globalThis.TLS_LENS_EARLY.file === file ? await globalThis.TLS_LENS_EARLY.text : null;
  const res = embedded
    ? new Response(Uint8Array.from(atob(embedded), (c) => c.charCodeAt(0)))
    : early !== null ? new Response(early) : await fetch(`samples/${encodeURIComponent(file)}`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  const sample = SAMPLES.find((s) => s.file === file);
  // A key log belonged to the input before: a sample brings its own (or none). A link that
  // names a sample and a key log keeps the link's.
  if (!keepKeylog) forgetKeylog();
  if (sample && sample.binary) {
    // A capture: the bytes go to the core untouched and stay out of the textarea.
    const buf = new Uint8Array(await res.arrayBuffer());
    if (!state.ready) return;
    ui.input.value = '';
    ui.samples.value = file;
    state.bytes = buf;
    state.source = { kind: 'binary-sample', name: file };
    return run();
  }
  const text = await res.text();
  ui.input.value = text.trimEnd();
  ui.samples.value = file;
  return explainText();
}

const KEYLOG_LINE = /^(CLIENT_RANDOM|CLIENT_EARLY_TRAFFIC_SECRET|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_\d+|SERVER_TRAFFIC_SECRET_\d+|EARLY_EXPORTER_SECRET|EXPORTER_SECRET|RSA)\s+[0-9a-fA-F]+\s+[0-9a-fA-F]+\s*$/;

/** Text that is only an SSLKEYLOGFILE (comments and blank lines allowed). */
function isKeylogText(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  return lines.length > 0 && lines.every((l) => KEYLOG_LINE.test(l.trim()));
}

async function useKeylog(f, { rerun = true } = {}) {
  state.keylog = await f.text();
  state.keylogName = f.name;
  ui.keylogClear.hidden = false;
  if (rerun && state.ready && state.bytes) run({ keepStep: true });
  else if (state.result) finishStatus();
  else setStatus(t('status.keylogFile', f.name));
}

/** The input as text for the textarea when it is small printable text, else null (binary). */
function asText(bytes) {
  if (bytes.length > 2 * 1024 * 1024) return null;
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /^[\t\n\r\x20-\x7e]*$/.test(s) ? s : null;
  } catch {
    return null;
  }
}

/** Drop the key log (a new input came, or the reader asked). */
function forgetKeylog() {
  state.keylog = '';
  state.keylogName = '';
  ui.keylogClear.hidden = true;
  ui.shareKeylogLabel.hidden = true;
}

async function loadFile(f, { keepKeylog = false } = {}) {
  if (!f) return;
  // A new capture: the key log of the previous one does not belong to it, unless they came
  // together (dropped at once).
  if (!keepKeylog) forgetKeylog();
  if (f.size > FILE_MAX) {
    setStatus(t('status.tooBig', (FILE_MAX / 1e9).toFixed(0)), 'has-errors');
    return;
  }
  const buf = new Uint8Array(await f.arrayBuffer());
  const text = asText(buf);
  ui.input.value = text !== null ? text.trimEnd() : '';
  ui.samples.value = '';
  state.bytes = buf;
  state.source = { kind: 'file', name: f.name };
  return run();
}

function bind() {
  ui.explain.addEventListener('click', explainText);
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      explainText();
    }
  });
  ui.input.addEventListener('input', () => { ui.samples.value = ''; });
  ui.samples.addEventListener('change', () => {
    const f = ui.samples.value;
    if (!f) return;
    loadSample(f).catch((err) => {
      state.missing.add(f);
      buildSamples();
      setStatus(String(err.message || err), 'has-errors');
    });
  });
  ui.keylogClear.addEventListener('click', () => {
    forgetKeylog();
    if (state.ready && state.bytes) run({ keepStep: true }).then(() => setStatus(t('status.keylogRemoved') + ' ' + ui.status.textContent));
    else setStatus(t('status.keylogRemoved'));
  });
  ui.keylog.addEventListener('change', async () => {
    const f = ui.keylog.files && ui.keylog.files[0];
    ui.keylog.value = '';
    if (f) await useKeylog(f);
  });
  ui.file.addEventListener('change', () => {
    const f = ui.file.files && ui.file.files[0];
    loadFile(f).finally(() => { ui.file.value = ''; });
  });
  // Drag and drop anywhere on the page: a key log (dropped on the Key log button, or a file
  // that holds only key log lines) decrypts the current input; any other file is the input.
  document.addEventListener('dragover', (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
      e.preventDefault();
      ui.inputPanel.classList.add('dragging');
    }
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) ui.inputPanel.classList.remove('dragging');
  });
  document.addEventListener('drop', async (e) => {
    ui.inputPanel.classList.remove('dragging');
    const files = e.dataTransfer && e.dataTransfer.files ? [...e.dataTransfer.files] : [];
    if (!files.length) return;
    e.preventDefault();
    const onKeylog = e.target instanceof Element && e.target.closest('.keylog-drop');
    // Several files at once: key logs first, then the input.
    const kinds = await Promise.all(files.map(async (f) => onKeylog || (f.size < 8 * 1024 * 1024 && isKeylogText(await f.text()))));
    for (const [i, f] of files.entries()) if (kinds[i]) await useKeylog(f, { rerun: false });
    const input = files.find((_, i) => !kinds[i]);
    if (input) await loadFile(input, { keepKeylog: kinds.some(Boolean) });
    else if (state.ready && state.bytes) run({ keepStep: true });
  });
  ui.theme.addEventListener('change', () => {
    applyTheme(ui.theme.value);
    try { localStorage.setItem(THEME_KEY, ui.theme.value); } catch { /* ignore */ }
  });
  ui.lang.addEventListener('change', () => {
    setLang(ui.lang.value);
    try { localStorage.setItem(LANG_KEY, getLang()); } catch { /* ignore */ }
    applyStatic();
    buildSamples();
    if (state.ready && state.bytes) run({ keepStep: true });
  });
  ui.hideOpened.addEventListener('change', () => renderAll());
  // A diagram drawn while its panel was closed, or for another width (a phone turned, a window
  // resized), is drawn again at the width it has now.
  const redrawFlow = () => {
    const conn = currentConn();
    if (!ui.flowPanel.open || !conn || ui.flowPanel.hidden) return;
    renderFlow(ui.flow, shownMessages(conn), state.step, select);
  };
  ui.flowPanel.addEventListener('toggle', redrawFlow);
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => { if (flowOutOfShape(ui.flow)) redrawFlow(); }).observe(ui.flowPanel);
  ui.share.addEventListener('click', () => { share().catch((err) => setStatus(String(err.message || err), 'has-errors')); });
  ui.markdown.addEventListener('click', () => { copyMarkdown().catch((err) => setStatus(String(err.message || err), 'has-errors')); });
  ui.pcapng.addEventListener('click', () => { downloadPcapng().catch((err) => setStatus(String(err.message || err), 'has-errors')); });
  // Esc: back from the card (or a panel) to the selected step of the list.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const li = ui.steps.querySelector('li[aria-selected="true"]');
    if (li && !ui.steps.contains(document.activeElement)) {
      e.preventDefault();
      li.focus({ preventScroll: false });
    }
  });
  bindSteps(ui.steps, select);
  bindCardHover(ui.card);
  // A field of the card lights the ASN.1 node with the same bytes, when a certificate's tree is open.
  ui.card.addEventListener('tls-lens:field', (e) => {
    const node = markAsn1(ui.summary, e.detail.off, e.detail.len);
    const box = node && node.closest('details.asn1-view[open] .asn1-tree');
    // Scroll the tree only, never the page under the reader's mouse.
    if (box) box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 2;
  });
}

async function boot() {
  // The default sample's analysis may come with the page (boot.js): waiting for it before the
  // first change to the page lets the page be laid out once, with the sample drawn, instead of
  // once for the empty page and again for the sample (every promise after this one is settled,
  // so the rest of the first view is built without the browser drawing a frame in between).
  // The default view drawn at build time is on screen (boot.js): this page draws it again, live,
  // only after it has been painted.
  if (globalThis.TLS_LENS_VIEW) await globalThis.TLS_LENS_VIEW;
  // Hidden (or never put in place: html[data-prerendered=swap] hides the whole body): emptied.
  if (document.documentElement.dataset.prerendered !== 'kept') dropPrerendered();
  const early = globalThis.TLS_LENS_EARLY;
  let theme = new URLSearchParams(location.search).get('theme');
  try { theme = theme || localStorage.getItem(THEME_KEY); } catch { /* storage may be disabled */ }
  applyTheme(theme);
  if (early && early.decided) await early.decided.catch(() => null);
  setLang(initialLang());
  buildLangSelect();
  buildSamples();
  applyStatic();
  bind();
  setStatus(t('status.loading'));
  // The default sample's analysis may have come with the page (boot.js): then the core is
  // loaded when the reader first does something, not for the first view.
  const prerendered = !!(early && early.prerendered && early.lang === getLang());
  if (!prerendered) {
    try {
      startWorker();
      await call('ping');
      performance.mark('tls-lens:core-ready');
    } catch (err) {
      dropPrerendered();
      setStatus(t('status.wasmFailed') + String(err && err.message ? err.message : err), 'has-errors');
      document.body.dataset.state = 'error';
      return;
    }
  }
  state.ready = true;
  try {
    if (await openLink()) {
      buildSamples();
      return;
    }
  } catch (err) {
    setStatus(t('share.badLink') + String(err && err.message ? err.message : err), 'has-errors');
  }
  state.firstView = true;
  const order = [DEFAULT_SAMPLE, ...SAMPLES.map((s) => s.file).filter((f) => f !== DEFAULT_SAMPLE)];
  for (const f of order) {
    try {
      await loadSample(f);
      break;
    } catch {
      state.missing.add(f);
    }
  }
  buildSamples();
  // For the budget report (browser test g): when the default sample is on screen, i.e. after the
  // next frame's style, layout and paint (a task queued from requestAnimationFrame runs after them).
  // `painted` is the first time (boot.js sets it when the view drawn at build time was shown);
  // `live` is this page's own view, the one that answers the reader.
  if (state.result) {
    requestAnimationFrame(() => setTimeout(() => {
      if (!performance.getEntriesByName('tls-lens:painted').length) performance.mark('tls-lens:painted');
      performance.mark('tls-lens:live');
    }, 0));
  }
  // Without a worker yet: start it at the reader's first move (it is ready long before a paste
  // or a file could reach it).
  if (!client) {
    const events = ['pointerdown', 'keydown', 'focusin', 'dragenter', 'touchstart'];
    const wake = () => {
      for (const ev of events) removeEventListener(ev, wake, true);
      ensureWorker();
    };
    for (const ev of events) addEventListener(ev, wake, { capture: true, passive: true });
  }
  if (!state.result) {
    dropPrerendered();
    setStatus(t('status.sampleFailed'), 'has-errors');
    document.body.dataset.state = 'ready';
  }
}

boot();
