// <tls-lens>: an explained TLS handshake for tutorial pages, as a custom element with its own
// Shadow DOM (the page's CSS does not reach in, ours does not leak out). The core runs in the
// same Web Worker as the main page, one worker shared by every element of a page.
//
//   <script type="module" src="tls-lens/tls-lens.js"></script>
//   <tls-lens src="handshake.pcap" step="3"></tls-lens>
//   <tls-lens lang="zh" theme="dark" compact>16 03 01 00 a5 01 00 00 a1 03 03 …</tls-lens>
//
// Attributes: `hex` (the input as text; the element's own text is used when absent), `src`
// (URL of a capture or dump on the embedding site), `json` (URL of `tls-lens explain --json`
// output: shown as it is, in its own language, with no wasm at all), `lang` (en | zh), `step`
// (the step shown first), `conn` (connection index), `compact` (diagram and explanation only),
// `keylog` (URL of an SSLKEYLOGFILE for the input: its records are decrypted), `theme` (light |
// dark; the system's by default), `loading` (`lazy`, the default: the element
// starts when it comes near the viewport, and an element never scrolled to fetches nothing;
// `eager`: at once). User-derived strings only ever become text nodes.
//
// This module imports nothing until the first element starts: a page whose elements are all
// below the fold loads this one file and no more.

const BASE = new URL('.', import.meta.url);

/** The rendering modules, loaded when the first element starts. */
let deps = null;
function loadDeps() {
  deps ||= Promise.all([
    import('./i18n.js'),
    import('./render/dom.js'),
    import('./render/steps.js'),
    import('./render/card.js'),
    import('./render/flow.js'),
  ]).then((mods) => Object.assign({}, ...mods));
  return deps;
}
let D = null; // the loaded modules (set before any element builds)

/** Elements waiting to come near the viewport. */
const near = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    near.unobserve(e.target);
    e.target.start();
  }
}, { rootMargin: '300px 0px' });

let client = null;

/** Ask the shared worker to analyse `bytes` (with `keylog`'s secrets, if any). */
async function analyse(bytes, lang, keylog = '') {
  if (!client) {
    const { WorkerClient } = await import('./worker-client.js');
    client ||= new WorkerClient(new Worker(new URL('worker.js', BASE), { type: 'module' }));
  }
  const c = client;
  return c.request({ op: 'analyze', lang, bytes, keylog }).then((d) => d.result, (err) => {
    // The core trapped: the next element (or this one, again) gets a fresh worker.
    if (err.fatal && client === c) {
      c.terminate(err);
      client = null;
    }
    throw err;
  });
}

class TlsLens extends HTMLElement {
  static observedAttributes = ['hex', 'src', 'json', 'keylog', 'lang', 'step', 'conn', 'compact', 'loading'];

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.result = null;
    this.step = null;
    this.loads = 0;
  }

  connectedCallback() {
    if (this.started) {
      this.load();
    } else if (near && this.getAttribute('loading') !== 'eager') {
      near.observe(this);
    } else {
      this.start();
    }
  }

  disconnectedCallback() {
    if (near && !this.started) near.unobserve(this);
  }

  /** Near the viewport (or eager): load the rendering modules, build, load the input. */
  async start() {
    if (this.started) return;
    this.started = true;
    try {
      D = await loadDeps();
    } catch (err) {
      // Its modules did not load (network, server): say so here, and let a later start retry.
      deps = null;
      this.started = false;
      this.root.replaceChildren(Object.assign(document.createElement('p'), { textContent: `tls-lens: ${err && err.message ? err.message : err}` }));
      if (near && this.isConnected && this.getAttribute('loading') !== 'eager') near.observe(this);
      return;
    }
    if (!this.wrap) this.build();
    if (this.isConnected) this.load();
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'loading') {
      if (value === 'eager' && !this.started && this.isConnected) this.start();
      return;
    }
    if (!this.wrap || old === value) return;
    if (name === 'step') this.select(Number(value));
    else if (name === 'compact' || name === 'conn') this.render();
    else this.load();
  }

  get lang() {
    const l = this.getAttribute('lang') || document.documentElement.lang || 'en';
    return /^zh/i.test(l) ? 'zh' : 'en';
  }

  build() {
    const { el, bindSteps, bindCardHover } = D;
    this.status = el('p', { class: 'tl-status', role: 'status' });
    this.head = el('div', { class: 'tl-head' });
    this.flow = el('div', { class: 'flow' });
    this.steps = el('ol', { id: 'steps', class: 'tl-steps', role: 'listbox', 'aria-label': 'steps' });
    this.card = el('section', { class: 'panel card-panel' });
    this.wrap = el('div', { class: 'tl-embed' },
      this.head,
      this.status,
      el('div', { class: 'panel tl-flow' }, this.flow),
      el('div', { class: 'workspace' },
        el('nav', { class: 'panel steps-panel' }, this.steps),
        this.card));
    this.root.replaceChildren(el('link', { rel: 'stylesheet', href: new URL('style.css', BASE).href }), this.wrap);
    bindSteps(this.steps, (step) => this.select(step));
    bindCardHover(this.card);
  }

  /** Set the input from script: bytes (a capture) or text (any dump the core reads). */
  set input(v) {
    this.given = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    if (this.wrap && this.isConnected) this.load();
  }

  /** The input's bytes: set by script, the hex attribute, the src URL, or the element's own text. */
  async bytes() {
    if (this.given) return this.given;
    if (this.hasAttribute('hex')) return new TextEncoder().encode(this.getAttribute('hex'));
    if (this.hasAttribute('src')) {
      const res = await fetch(new URL(this.getAttribute('src'), document.baseURI));
      if (!res.ok) throw new Error(`${this.getAttribute('src')}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    return new TextEncoder().encode(this.textContent || '');
  }

  async load() {
    if (!this.wrap) return;
    const n = ++this.loads;
    this.status.textContent = '…';
    try {
      const result = this.hasAttribute('json') && !this.given ? await this.analysis() : await analyse(await this.bytes(), this.lang, await this.keylog());
      if (n !== this.loads) return; // a newer load started meanwhile
      this.result = result;
      this.step = this.hasAttribute('step') ? Number(this.getAttribute('step')) : null;
      this.render();
    } catch (err) {
      if (n === this.loads) this.status.textContent = String(err && err.message ? err.message : err);
    }
  }

  /** The `keylog` attribute's key log text ('' without one). */
  async keylog() {
    const url = this.getAttribute('keylog');
    if (!url) return '';
    const res = await fetch(new URL(url, document.baseURI));
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.text();
  }

  /** The `json` attribute's analysis (the CLI's `explain --json`), fetched as it is. */
  async analysis() {
    const url = this.getAttribute('json');
    const res = await fetch(new URL(url, document.baseURI));
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const result = await res.json();
    if (!result || typeof result.schema !== 'string' || !/^tls-lens\//.test(result.schema)) throw new Error(`${url}: not the JSON of tls-lens explain --json`);
    return result;
  }

  /** The language the texts are in: the analysis's own when it came as JSON. */
  get shownLang() {
    return this.result && this.hasAttribute('json') && !this.given && (this.result.lang === 'zh' || this.result.lang === 'en') ? this.result.lang : this.lang;
  }

  conn() {
    const conns = (this.result && this.result.connections) || [];
    return conns[Math.min(Number(this.getAttribute('conn')) || 0, Math.max(0, conns.length - 1))] || null;
  }

  render() {
    if (!this.result || !this.wrap) return;
    const { getLang, setLang, t, el, clear, hexToBytes, breakAtUnderscores, renderFlow, renderSteps } = D;
    const before = getLang();
    setLang(this.shownLang);
    try {
      const c = this.conn();
      const messages = (c && c.messages) || [];
      if (!messages.some((m) => m.step === this.step)) this.step = messages.length ? messages[0].step : null;
      const errors = (this.result.diagnostics || []).filter((d) => d.severity === 'error');
      this.status.textContent = errors.length ? errors.map((d) => d.message).join(' · ') : '';
      clear(this.head);
      if (c) {
        const s = c.summary || {};
        const parts = [
          // A connection whose ServerHello is not in the input (a lone ClientHello) has no
          // version yet; "no connection" is only for input without any message.
          el('strong', { text: s.version_name || t(messages.length ? 'summary.noVersion' : 'summary.noConnection') }),
          s.cipher_suite_name ? el('code', { class: 'suite' }, ...breakAtUnderscores(s.cipher_suite_name)) : null,
          s.sni ? el('span', { class: 'sni', title: t('summary.sni'), text: s.sni }) : null,
          c.client && c.server ? el('span', { class: 'muted', text: `${c.client} → ${c.server}` }) : null,
        ];
        this.head.append(...parts.filter(Boolean));
      }
      this.wrap.classList.toggle('compact', this.hasAttribute('compact'));
      this.stream = c ? hexToBytes(c.stream.hex) : new Uint8Array(0);
      renderFlow(this.flow, messages, this.step, (step) => this.select(step));
      renderSteps(this.steps, messages, this.step);
      this.showCard();
    } finally {
      setLang(before);
    }
  }

  showCard() {
    const { getLang, setLang, renderCard } = D;
    const c = this.conn();
    const m = c && c.messages.find((x) => x.step === this.step);
    const before = getLang();
    setLang(this.shownLang);
    try {
      renderCard(this.card, m, this.stream, c && c.stream.chunks);
    } finally {
      setLang(before);
    }
  }

  select(step) {
    const c = this.conn();
    if (!this.wrap || !c || !c.messages.some((m) => m.step === step)) return;
    this.step = step;
    D.markSelected(this.steps, step);
    D.markFlow(this.flow, step);
    this.showCard();
  }
}

if (!customElements.get('tls-lens')) customElements.define('tls-lens', TlsLens);
