// Summary panel: negotiated parameters, certificates, alerts, notes and input diagnostics.
import { el, clear, breakAtUnderscores, millis } from './dom.js';
import { t } from '../i18n.js';

function hex4(n) {
  return '0x' + n.toString(16).padStart(4, '0');
}

function none() {
  return el('span', { class: 'muted', text: t('summary.none') });
}

function fact(label, ...value) {
  const v = value.filter((x) => x !== null && x !== undefined && x !== false);
  return [el('dt', { text: label }), el('dd', {}, v.length ? v : none())];
}

/** One summary tile: <div class="fact"><dt>label</dt><dd>value</dd></div> (div groups are valid in <dl>). */
function tile(label, cls, ...value) {
  const v = value.filter((x) => x !== null && x !== undefined && x !== false);
  return el('div', { class: ['fact', cls] }, el('dt', { text: label }), el('dd', {}, v.length ? v : none()));
}

/** Capture times: the server's first answer and the last Finished, after the ClientHello. */
function timingLines(tm) {
  return el('div', { title: t('summary.timing.help') },
    tm.server_hello_us != null ? el('div', { text: t('summary.timing.server', millis(tm.server_hello_us)) }) : null,
    tm.finished_us != null ? el('div', { text: t('summary.timing.finished', millis(tm.finished_us)) }) : null);
}

function suiteParts(p) {
  if (!p) return null;
  const keys = ['key_exchange', 'authentication', 'cipher', 'mode', 'key_bits', 'mac', 'prf'];
  const items = [];
  for (const k of keys) {
    if (p[k] === null || p[k] === undefined || p[k] === '') continue;
    const v = k === 'key_bits' ? t('parts.bits', p[k]) : String(p[k]);
    items.push(el('li', {}, el('span', { class: 'part-k', text: t('parts.' + k) }), el('span', { class: 'part-v', text: v })));
  }
  if (p.iana_recommended !== undefined) {
    items.push(el('li', {}, el('span', { class: 'part-k', text: 'IANA' }), el('span', { class: 'part-v', text: t(p.iana_recommended ? 'parts.recommended' : 'parts.notRecommended') })));
  }
  return items.length ? el('ul', { class: 'suite-parts' }, items) : null;
}

const isNum = (x) => x !== undefined && x !== null && Number.isFinite(Number(x));

/** Does a message of `conn` cover stream offset `off`? */
function locatable(conn, off) {
  return !!(conn && conn.messages && conn.messages.some((m) => off >= m.span.offset && off < m.span.offset + m.span.len));
}

function diagItem(d, ctx) {
  const sev = d.severity === 'warning' ? 'warning' : 'error';
  let msg = String(d.message ?? '');
  const hasLc = isNum(d.line) && isNum(d.column);
  // The core's message may start with its own "line L, column C: "; the location is shown separately.
  if (hasLc) {
    const prefix = `line ${d.line}, column ${d.column}: `;
    if (msg.startsWith(prefix)) msg = msg.slice(prefix.length);
  }
  // Where the problem is: line/column in pasted hex text; otherwise an offset into a connection's
  // stream. Capture-wide notes (no `connection`) of a pcap carry a meaningless offset 0: not shown.
  let loc = null;
  if (hasLc) {
    loc = el('span', { class: 'diag-lc', text: t('diag.linecol', d.line, d.column) });
  } else if (isNum(d.offset) && (isNum(d.connection) || !ctx.capture)) {
    const off = Number(d.offset);
    const ownStream = isNum(d.connection) ? Number(d.connection) === ctx.connIndex : ctx.connIndex === 0;
    loc = ownStream && ctx.onOffset && locatable(ctx.conn, off)
      ? el('button', { type: 'button', class: 'diag-off link-btn', title: t('diag.showByte'), data: { offset: off }, text: t('diag.offset', off), on: { click: () => ctx.onOffset(off) } })
      : el('span', { class: 'diag-off', text: t('diag.offset', off) });
  }
  return el('li', { class: ['diag', sev], data: { offset: d.offset, conn: isNum(d.connection) ? d.connection : undefined } },
    el('span', { class: ['sev', sev], text: t('diag.' + sev) }),
    loc ? el('span', { class: 'diag-loc' }, loc) : null,
    el('span', { class: 'diag-msg', text: msg }),
  );
}

/** Diagnostics that concern connection `ci`: the input-wide ones plus those tagged with `ci`. */
export function diagnosticsFor(diags, ci) {
  return (diags || []).filter((d) => !isNum(d.connection) || Number(d.connection) === ci);
}

const SHOWN_DIAGS = 4;

/**
 * Diagnostics as a list with role="alert", so bad input is announced and visible. Errors come
 * first; past SHOWN_DIAGS the rest sit in a closed <details> (a capture can have dozens of
 * "not TLS, skipped" warnings). `ctx`: { connIndex, conn, capture, onOffset(off) }.
 */
export function renderDiagnostics(diags, ctx = {}) {
  if (!diags || !diags.length) return null;
  const sorted = [...diags].sort((a, b) => (a.severity === 'warning') - (b.severity === 'warning'));
  const ul = el('ul', { class: 'diagnostics', role: 'alert' });
  for (const d of sorted.slice(0, SHOWN_DIAGS)) ul.appendChild(diagItem(d, ctx));
  const rest = sorted.slice(SHOWN_DIAGS);
  const more = rest.length
    ? el('details', { class: 'diag-more' },
        el('summary', { text: t('diag.more', rest.length) }),
        el('ul', { class: 'diagnostics' }, rest.map((d) => diagItem(d, ctx))))
    : null;
  const onlyWarnings = diags.every((d) => d.severity === 'warning');
  return el('section', { class: ['panel', 'diag-panel', onlyWarnings && 'warn-only'], 'aria-labelledby': 'diag-h' },
    el('h2', { id: 'diag-h', text: t('diag.heading') }), ul, more);
}

function endpoints(c) {
  if (!c || !c.client || !c.server) return null;
  return el('span', { class: 'endpoints' },
    el('span', { class: 'ep-client', text: c.client }),
    el('span', { class: 'ep-arrow', text: ' → ' }),
    el('span', { class: 'ep-server', text: c.server }));
}

/**
 * The connection picker: one row per connection (endpoints, SNI, version, cipher suite, message
 * and problem counts). A listbox of <li role="option" data-conn="i">; click or arrow keys pick.
 * Rows: {num, client, server, summary, msgs, hs, problems, errors} (hs: msgs counts only the
 * handshake, as scan lines list it). Flows that are not TLS (UDP, other TCP) are listed below it.
 */
function renderConnections(rows, others, ci, onPick) {
  const ol = el('ol', { id: 'connections', class: 'conn-list', role: 'listbox', 'aria-labelledby': 'conn-h' });
  rows.forEach((c, i) => {
    const s = c.summary || {};
    ol.appendChild(el('li', {
      class: 'conn-item',
      role: 'option',
      'aria-selected': i === ci ? 'true' : 'false',
      tabindex: i === ci ? '0' : '-1',
      data: { conn: i, stream: c.stream },
    },
      el('span', { class: 'ci-num', title: c.quic || c.dtls ? 'udp.stream' : 'tcp.stream', text: '#' + c.num }, c.quic ? el('span', { class: 'ci-quic', text: 'QUIC' }) : c.dtls ? el('span', { class: 'ci-quic', text: 'DTLS' }) : null),
      el('span', { class: 'ci-ep' }, endpoints(c) || el('span', { class: 'muted', text: t('conns.noEndpoints') })),
      s.sni ? el('span', { class: 'ci-sni', title: s.sni, text: s.sni }) : el('span', { class: 'ci-sni muted', text: t('conns.noSni') }),
      el('span', { class: 'ci-ver', text: s.version_name || '?' }),
      el('span', { class: 'ci-suite', title: s.cipher_suite_name || '', text: s.cipher_suite_name || '—' }),
      el('span', { class: 'ci-msgs', title: c.hs ? t('conns.hsMsgs') : null, text: t('conns.msgs', c.msgs) }),
      c.problems ? el('span', { class: ['ci-prob', c.errors ? 'error' : 'warning'], text: t('conns.problems', c.problems) }) : el('span', { class: 'ci-prob none', text: '' }),
    ));
  });
  ol.addEventListener('click', (e) => {
    const li = e.target instanceof Element ? e.target.closest('li[data-conn]') : null;
    if (li) onPick(Number(li.dataset.conn));
  });
  ol.addEventListener('keydown', (e) => {
    const items = [...ol.querySelectorAll('li[data-conn]')].filter((li) => !li.hidden);
    const cur = items.findIndex((li) => li.getAttribute('aria-selected') === 'true');
    let next;
    switch (e.key) {
      case 'ArrowDown': next = Math.min(items.length - 1, cur + 1); break;
      case 'ArrowUp': next = Math.max(0, cur - 1); break;
      case 'Home': next = 0; break;
      case 'End': next = items.length - 1; break;
      case 'Enter': case ' ': next = cur; break;
      default: return;
    }
    e.preventDefault();
    if (next !== cur && items[next]) onPick(Number(items[next].dataset.conn));
  });
  // A filter for long lists: rows whose text does not contain every word are hidden.
  let filter = null;
  if (rows.length > 8) {
    const shown = el('span', { class: 'muted conn-shown', 'aria-live': 'polite' });
    const input = el('input', { type: 'search', id: 'conn-filter', class: 'conn-filter', placeholder: t('conns.filter'), 'aria-label': t('conns.filter'), value: connFilter });
    const apply = () => {
      connFilter = input.value;
      const words = connFilter.toLowerCase().split(/\s+/).filter(Boolean);
      let n = 0;
      for (const li of ol.querySelectorAll('li[data-conn]')) {
        const text = li.textContent.toLowerCase();
        const hit = words.every((w) => text.includes(w));
        li.hidden = !hit;
        if (hit) n++;
      }
      shown.textContent = words.length ? t('conns.shown', n, rows.length) : '';
    };
    input.addEventListener('input', apply);
    apply();
    filter = el('div', { class: 'conn-filter-row' }, input, shown);
  }
  return el('section', { class: 'panel conn-panel', 'aria-labelledby': 'conn-h' },
    el('h2', { id: 'conn-h', text: t('conns.heading', rows.length) }),
    filter,
    rows.length ? el('div', { class: 'conn-scroll' }, ol) : null,
    otherFlows(others));
}

/** The connection filter's text, kept across re-renders of the same input. */
let connFilter = '';

export function resetConnFilter() {
  connFilter = '';
}

/** UDP flows and TCP connections without TLS: listed, not explained. */
function otherFlows(others) {
  if (!others || !others.length) return null;
  return el('details', { id: 'other-flows', class: 'other-flows' },
    el('summary', { text: t('conns.others', others.length) }),
    el('ul', {}, others.map((f) => el('li', { data: { transport: f.transport, stream: f.stream } },
      el('span', { class: 'of-proto', text: `${String(f.transport).toUpperCase()} #${f.stream}` }),
      ' ',
      endpoints(f),
      ' · ',
      el('span', { class: 'of-kind', text: f.looks_like || t('conns.unknownProto') }),
      ' · ',
      el('span', { class: 'muted', text: t('conns.flowSize', f.packets, f.bytes ?? ((f.bytes_c2s || 0) + (f.bytes_s2c || 0))) }),
    ))));
}

/** Picker rows from explained connections (small inputs) or scan lines (big captures). */
function rowsOf(result, list) {
  if (list) {
    return list.rows.map((l) => {
      const d = l.diagnostics || [];
      return { num: l.stream, stream: l.stream, quic: l.transport === 'udp', udp: l.transport === 'udp', client: l.client, server: l.server, summary: l.summary, msgs: (l.messages || []).length, hs: l.transport === 'tcp', problems: d.length, errors: d.filter((x) => x.severity !== 'warning').length };
    });
  }
  const conns = result.connections || [];
  const rows = conns.map((c, i) => ({ num: c.tcp_stream ?? c.udp_stream ?? c.id ?? i, stream: c.tcp_stream ?? c.udp_stream, quic: !!c.quic, dtls: !!c.dtls, client: c.client, server: c.server, summary: c.summary, msgs: (c.messages || []).length, problems: 0, errors: 0 }));
  for (const d of result.diagnostics || []) {
    const r = isNum(d.connection) ? rows[Number(d.connection)] : null;
    if (!r) continue;
    r.problems++;
    if (d.severity !== 'warning') r.errors++;
  }
  return rows;
}

/** The span of the first field called `name` in a field tree. */
function fieldSpan(fields, name) {
  for (const f of fields || []) {
    if (f.name === name) return f.span;
    const inner = fieldSpan(f.children, name);
    if (inner) return inner;
  }
  return null;
}

/**
 * "Why this hash": each piece of JA4 and JA3 beside the ClientHello field it comes from, with
 * a button that shows that field's bytes.
 */
function fingerprintWhy(s, conn, onShowBytes) {
  if (!s.ja4 && !s.ja3_string) return null;
  const ch = (conn.messages || []).find((m) => m.name === 'ClientHello');
  const row = (label, value, field) => {
    const span = ch && field ? fieldSpan(ch.fields, field) : null;
    return el('tr', {},
      el('th', { scope: 'row', text: label }),
      el('td', {}, el('code', { class: 'fp-piece', text: value })),
      el('td', {}, span && onShowBytes ? el('button', { type: 'button', class: 'link-btn', data: { field }, text: t('fp.show'), on: { click: () => onShowBytes(span) } }) : null));
  };
  const rows = [];
  // The pieces come taken apart in the JSON (summary.ja4_parts, summary.ja3_parts).
  const j4 = s.ja4_parts;
  if (s.ja4 && j4) {
    rows.push(el('tr', {}, el('th', { colspan: '3', class: 'fp-h', text: 'JA4 = ' + s.ja4 })));
    rows.push(row(t('fp.ja4.proto'), j4.transport, null));
    rows.push(row(t('fp.ja4.version'), j4.version, j4.version_from));
    rows.push(row(t('fp.ja4.sni'), j4.sni, j4.sni === 'd' ? 'server_name' : null));
    rows.push(row(t('fp.ja4.ciphers'), j4.ciphers, 'cipher_suites'));
    rows.push(row(t('fp.ja4.exts'), j4.extensions, 'extensions'));
    rows.push(row(t('fp.ja4.alpn'), j4.alpn, j4.alpn === '00' ? null : 'application_layer_protocol_negotiation'));
    rows.push(row(t('fp.ja4.b'), `sha256("${j4.cipher_list}") → ${j4.cipher_hash}`, 'cipher_suites'));
    rows.push(row(t('fp.ja4.c'), `sha256("${j4.extension_list}") → ${j4.extension_hash}`, 'extensions'));
  }
  const j3 = s.ja3_parts;
  if (s.ja3_string && j3) {
    rows.push(el('tr', {}, el('th', { colspan: '3', class: 'fp-h', text: 'JA3 = md5("' + s.ja3_string + '") = ' + (s.ja3 || '') })));
    rows.push(row(t('fp.ja3.version'), j3.version, 'legacy_version'));
    rows.push(row(t('fp.ja3.ciphers'), j3.ciphers, 'cipher_suites'));
    rows.push(row(t('fp.ja3.exts'), j3.extensions, 'extensions'));
    rows.push(row(t('fp.ja3.groups'), j3.groups, 'supported_groups'));
    rows.push(row(t('fp.ja3.formats'), j3.point_formats, 'ec_point_formats'));
  }
  return el('details', { class: 'fp-why' },
    el('summary', { text: t('fp.why') }),
    el('p', { class: 'muted', text: t('fp.rules') }),
    el('table', { class: 'fp-table' }, el('tbody', {}, rows)));
}

function notesList(notes) {
  if (!notes || !notes.length) return null;
  return el('section', { class: 'sum-notes', 'aria-labelledby': 'notes-h' },
    el('h3', { id: 'notes-h', text: t('notes.heading') }),
    el('ul', { class: 'notes' }, notes.map((n) => {
      const sev = ['info', 'warning', 'danger'].includes(n.severity) ? n.severity : 'info';
      return el('li', { class: ['note', sev] },
        el('span', { class: ['sev', sev], text: t('notes.' + sev) }),
        el('span', { class: 'note-text', text: n.text }));
    })));
}

function alertsList(alerts) {
  if (!alerts || !alerts.length) return null;
  return el('section', { class: 'sum-alerts', 'aria-labelledby': 'alerts-h' },
    el('h3', { id: 'alerts-h', text: t('alerts.heading') }),
    el('ul', { class: 'alerts' }, alerts.map((a) => el('li', { class: ['alert-item', a.level === 'fatal' || a.level === 2 ? 'fatal' : ''] },
      el('span', { class: 'dir-mini', text: a.dir === 'c2s' ? 'C→S' : a.dir === 's2c' ? 'S→C' : '?' }),
      ' ',
      a.encrypted ? t('alerts.encrypted') : `${a.name ?? a.description ?? ''}${a.level !== null && a.level !== undefined ? ` (${a.level})` : ''}`,
    ))));
}

/**
 * A certificate's ASN.1 tree (the core's `asn1`): one row per node, tag, value and where it lies
 * (offset in the certificate, header + content bytes, as openssl asn1parse); a click shows the
 * node's bytes (and the field with the same bytes). Each row carries its span in the stream so
 * that a field of the card can light it (markAsn1). Values are text, set with textContent.
 */
/** A node's value in the page's language: the size of opaque bytes, unused bits, the value. */
function asn1Value(n) {
  const size = n.bytes != null ? (n.unused_bits != null ? t('asn1.bits', n.bytes, n.unused_bits) : t('asn1.bytes', n.bytes)) : '';
  if (size && n.value != null) return `${size}: ${n.value}`;
  return size || (n.value != null ? n.value : '');
}

/** Why the walk stopped under a node, in the page's language (a nesting limit is the node's own). */
function asn1Problem(p) {
  return p.code === 'too_deep' ? t('asn1.why', p) : t('asn1.at', p.offset, t('asn1.why', p));
}

function asn1Tree(tree, pieces, onShowBytes) {
  // Offset k of the DER -> offset in the connection's bytes (the DER may lie in pieces).
  const at = (k) => {
    let before = 0;
    for (const p of pieces) {
      if (k < before + p.len) return p.offset + (k - before);
      before += p.len;
    }
    const last = pieces[pieces.length - 1];
    return last.offset + last.len + (k - before);
  };
  // A range of the DER as a span of the stream (covering whatever lies between pieces).
  const span = (k, len) => (len > 0 ? { offset: at(k), len: at(k + len - 1) + 1 - at(k) } : { offset: at(k), len: 0 });
  const list = (nodes) => el('ul', { class: 'asn1' }, nodes.map((n) => {
    const whole = span(n.offset, n.header + n.len);
    const content = span(n.offset + n.header, n.len);
    const soff = whole.offset;
    const slen = whole.len;
    const row = el('button', {
      type: 'button',
      class: ['asn1-node', n.encapsulated ? 'inner' : ''],
      data: { soff, slen, coff: content.offset, clen: content.len },
      title: t('asn1.where', n.offset, n.header, n.len, soff),
      on: { click: () => onShowBytes && onShowBytes({ offset: soff, len: slen }) },
    },
      el('span', { class: 'asn1-tag', text: n.tag }),
      asn1Value(n) ? el('span', { class: 'asn1-val', text: asn1Value(n) }) : null,
      el('span', { class: 'asn1-at', text: `${n.offset} · ${n.header}+${n.len}` }));
    return el('li', {}, row,
      n.problem ? el('div', { class: 'asn1-err', text: asn1Problem(n.problem) }) : null,
      n.children && n.children.length ? list(n.children) : null);
  }));
  return el('div', { class: 'asn1-tree' },
    el('p', { class: 'muted', text: t('asn1.help') }),
    list(tree.nodes || []),
    tree.error ? el('p', { class: 'asn1-err', text: t('asn1.error', tree.error.offset, t('asn1.why', tree.error)) }) : null);
}

/** The *DER / ASN.1* view of a certificate: asked of the core when first opened. */
function asn1Details(c, onShowBytes, onAsn1) {
  const body = el('div', { class: 'asn1-body' });
  const der = (c.pieces && c.pieces.length ? c.pieces : [c.span]).reduce((n, p) => n + p.len, 0);
  const d = el('details', { class: 'asn1-view' }, el('summary', { text: t('asn1.heading', der) }), body);
  d.addEventListener('toggle', () => {
    if (!d.open || body.firstChild) return;
    body.appendChild(el('p', { class: 'muted', text: t('status.loading') }));
    onAsn1(c).then((tree) => {
      clear(body);
      body.appendChild(asn1Tree(tree, c.pieces && c.pieces.length ? c.pieces : [c.span], onShowBytes));
    }, (err) => {
      clear(body);
      body.appendChild(el('p', { class: 'asn1-err', text: String(err && err.message ? err.message : err) }));
    });
  });
  return d;
}

/** Light the ASN.1 nodes whose bytes (whole, or content only) are [off, off+len) of the stream. */
export function markAsn1(container, off, len) {
  for (const b of container.querySelectorAll('.asn1-node.lit')) b.classList.remove('lit');
  let first = null;
  for (const b of container.querySelectorAll('.asn1-node')) {
    const d = b.dataset;
    if ((Number(d.soff) === off && Number(d.slen) === len) || (Number(d.coff) === off && Number(d.clen) === len)) {
      b.classList.add('lit');
      first = first || b;
    }
  }
  return first;
}

function certsList(certs, onShowBytes, onAsn1) {
  if (!certs || !certs.length) return null;
  return el('section', { class: 'sum-certs', 'aria-labelledby': 'certs-h' },
    el('h3', { id: 'certs-h', text: t('certs.heading') }),
    el('ol', { class: 'certs' }, certs.map((c, i) => {
      const tags = [
        i === 0 ? el('span', { class: 'tag', text: t('certs.leaf') }) : null,
        c.is_ca ? el('span', { class: 'tag', text: t('certs.ca') }) : null,
        c.self_signed ? el('span', { class: 'tag', text: t('certs.selfSigned') }) : null,
      ];
      const dl = el('dl', { class: 'cert-dl' },
        fact(t('summary.subject'), c.subject),
        fact(t('summary.issuer'), c.issuer),
        fact(t('certs.serial'), c.serial ? el('code', { text: c.serial }) : null),
        fact(t('certs.notBefore'), c.not_before),
        fact(t('certs.notAfter'), c.not_after),
        c.san && c.san.length ? fact(t('certs.san'), c.san.join(', ')) : null,
        fact(t('certs.key'), c.public_key),
        fact(t('certs.sigalg'), c.signature_algorithm),
        fact(t('certs.sha256'), c.fingerprint_sha256 ? el('code', { class: 'fp', text: c.fingerprint_sha256 }) : null),
      );
      return el('li', {},
        el('details', {},
          el('summary', {}, el('span', { class: 'cert-subj', text: c.subject || '?' }), ...tags),
          dl,
          c.span && onShowBytes ? el('button', { type: 'button', class: 'link-btn', text: t('certs.show'), on: { click: () => onShowBytes(c.span) } }) : null,
          c.span && onAsn1 ? asn1Details(c, onShowBytes, onAsn1) : null,
        ));
    })));
}

/**
 * Render the connection picker (when there is more than one connection), the diagnostics that
 * concern connection `opts.connIndex` and its summary. `opts.onConnection(i)` is called when a
 * connection is picked; `opts.onShowBytes(span)` jumps to a certificate's bytes and
 * `opts.onOffset(off)` to the byte a diagnostic points at; with `opts.onAsn1(cert)` (a promise of
 * the core's ASN.1 tree of its DER) each certificate can be opened as its DER / ASN.1 tree.
 */
export function renderSummary(container, result, opts = {}) {
  // Keep the picker's scroll position and keyboard focus across re-renders.
  const oldList = container.querySelector('#connections');
  const listScroll = oldList ? oldList.parentElement.scrollTop : 0;
  const hadFocus = !!(oldList && oldList.contains(document.activeElement));
  clear(container);
  const conns = result.connections || [];
  const ci = Math.min(opts.connIndex || 0, Math.max(0, conns.length - 1));
  const conn = conns[ci];
  const kind = result.input && result.input.kind;
  const capture = kind === 'pcap' || kind === 'pcapng';

  const rows = rowsOf(result, opts.list);
  const others = opts.list ? (opts.list.others || []).map((l) => ({ ...l, bytes: l.bytes.c2s + l.bytes.s2c })) : (result.other_flows || []);
  const pick = opts.list ? opts.list.index : ci;
  if (rows.length > 1 || others.length) {
    const picker = renderConnections(rows, others, pick, (i) => opts.onConnection && opts.onConnection(i));
    container.appendChild(picker);
    const box = picker.querySelector('.conn-scroll');
    if (box) box.scrollTop = listScroll;
    const sel = box && box.querySelector(`li[data-conn="${pick}"]`);
    if (sel) {
      // Bring the selected row into the list's own viewport (never scroll the page).
      if (sel.offsetTop < box.scrollTop) box.scrollTop = sel.offsetTop;
      else if (sel.offsetTop + sel.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = sel.offsetTop + sel.offsetHeight - box.clientHeight;
      if (hadFocus) sel.focus({ preventScroll: true });
    }
  }

  const diag = renderDiagnostics(diagnosticsFor(result.diagnostics, ci), { connIndex: ci, conn, capture, onOffset: opts.onOffset });
  if (diag) container.appendChild(diag);

  const panel = el('section', { class: 'panel summary-panel', 'aria-labelledby': 'sum-h' });
  const head = el('div', { class: 'panel-head' },
    el('h2', { id: 'sum-h' }, t('summary.heading'),
      rows.length > 1 && conn ? el('span', { class: 'sum-conn', text: ' · ' + t('summary.connNo', conn.tcp_stream ?? conn.udp_stream ?? conn.id ?? ci) + (conn.quic ? ' · ' + conn.quic.version_name : '') }) : null),
    conn && conn.client && conn.server ? el('p', { id: 'endpoints', class: 'sum-endpoints' }, endpoints(conn)) : null);
  panel.appendChild(head);
  container.appendChild(panel);

  if (!conn) {
    panel.appendChild(el('p', { class: 'muted', text: t('summary.noConnection') }));
    return;
  }
  const s = conn.summary || {};
  const leaf = (conn.certificates || [])[0];

  const version = s.version_name
    ? [el('strong', { text: s.version_name }), s.version != null ? el('span', { class: 'code-num', text: ' ' + hex4(s.version) }) : null]
    : null;
  const suite = s.cipher_suite_name
    ? [el('code', { class: 'suite' }, ...breakAtUnderscores(s.cipher_suite_name)), s.cipher_suite != null ? el('span', { class: 'code-num', text: ' ' + hex4(s.cipher_suite) }) : null, suiteParts(s.cipher_suite_parts)]
    : null;
  const kx = s.key_exchange || s.group_name
    ? [s.key_exchange ? el('span', { text: s.key_exchange }) : null,
       s.group_name ? el('span', { class: 'group' }, s.key_exchange ? ' · ' : '', el('strong', { text: s.group_name }), s.group != null ? el('span', { class: 'code-num', text: ' ' + hex4(s.group) }) : null) : null]
    : null;
  const alpn = (s.alpn_offered && s.alpn_offered.length) || s.alpn
    ? el('span', { class: 'alpn' },
        el('span', { class: 'muted', text: t('summary.alpnOffered') + ': ' }),
        el('span', { text: (s.alpn_offered || []).join(', ') || t('summary.none') }),
        el('br'),
        el('span', { class: 'muted', text: t('summary.alpnChosen') + ': ' }),
        s.alpn ? el('strong', { text: s.alpn }) : none())
    : null;
  const leafV = leaf
    ? el('span', { class: 'leaf' },
        el('span', { class: 'muted', text: t('summary.subject') + ': ' }), el('span', { class: 'leaf-subject', text: leaf.subject || '' }), el('br'),
        el('span', { class: 'muted', text: t('summary.issuer') + ': ' }), el('span', { text: leaf.issuer || '' }), el('br'),
        el('span', { class: 'muted', text: t('summary.validity') + ': ' }), el('span', { text: `${leaf.not_before || '?'} → ${leaf.not_after || '?'}` }))
    : null;
  const flags = [];
  if (s.hello_retry) flags.push(t('summary.hrr') + (s.hrr_group ? ` (${hex4(s.hrr_group)})` : ''));
  // The handshake model says how it resumed and what became of 0-RTT (scan lines lack it).
  const hs = conn.handshake;
  if (hs && s.resumed && ['psk_dhe', 'psk_ke', 'ticket', 'session_id'].includes(hs.mode)) flags.push(t('summary.mode.' + hs.mode));
  else if (s.resumed) flags.push(t('summary.resumed'));
  if (hs && ['offered', 'accepted', 'rejected'].includes(hs.early_data)) flags.push(t('summary.early.' + hs.early_data));
  if (hs && hs.renegotiation) flags.push(t('summary.renegotiation'));
  if (s.client_auth) flags.push(t('summary.clientAuth'));
  if (!flags.length && s.version_name) flags.push(t('summary.full'));
  // When a capture file recorded it: certificates are judged at that time too.
  if (conn.captured_at) flags.push(t('summary.captured', conn.captured_at.replace('T', ' ').replace('Z', ' UTC')));
  // A fatal alert before both Finished (the handshake model's failure): who sent which alert.
  const fl = hs && hs.failure;
  const alertName = fl && conn.alerts && conn.alerts[fl.alert] ? conn.alerts[fl.alert].name : '?';
  const failed = fl ? el('div', { class: 'failed', text: t('summary.failed.' + (['c2s', 's2c'].includes(fl.by) ? fl.by : 'unknown'), alertName) }) : null;
  const fps = [];
  if (s.ja3) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA3' }), el('code', { class: 'fp', title: s.ja3_string || '', text: s.ja3 })));
  if (s.ja3s) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA3S' }), el('code', { class: 'fp', title: s.ja3s_string || '', text: s.ja3s })));
  if (s.ja4) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA4' }), el('code', { class: 'fp', title: s.ja4_r || '', text: s.ja4 })));
  const why = fingerprintWhy(s, conn, opts.onShowBytes);
  if (why) fps.push(why);

  const known = s.version_name || s.cipher_suite_name || s.sni || (s.alpn_offered && s.alpn_offered.length) ||
    (conn.messages && conn.messages.length) || (conn.certificates && conn.certificates.length);
  if (!known) {
    panel.appendChild(el('p', { class: 'muted', text: t('summary.noMessages') }));
  } else panel.appendChild(el('dl', { class: 'facts' },
    tile(t('summary.version'), 'f-version', version),
    tile(t('summary.kx'), 'f-kx', kx),
    tile(t('summary.sni'), 'f-sni', s.sni ? el('strong', { class: 'sni', text: s.sni }) : null,
      s.sni && hs && hs.from_log ? el('div', { class: 'muted', text: t('summary.sniFromLog') }) : null),
    tile(t('summary.suite'), 'f-suite full', suite),
    tile(t('summary.alpn'), 'f-alpn', alpn),
    tile(t('summary.leaf'), 'f-leaf wide', leafV),
    tile(t('summary.flags'), 'f-flags', failed, flags.length ? el('div', { text: flags.join(' · ') }) : null),
    tile(t('summary.fingerprints'), 'f-fp wide', fps.length ? fps : null),
    s.timing ? tile(t('summary.timing'), 'f-timing wide', timingLines(s.timing)) : null,
  ));

  const side = el('div', { class: 'sum-side' },
    notesList(conn.notes),
    alertsList(conn.alerts),
    certsList(conn.certificates, opts.onShowBytes, opts.onAsn1),
  );
  if (side.childNodes.length) panel.appendChild(side);
  const keys = keySchedule(conn.key_schedule);
  if (keys) panel.appendChild(keys);
}

/**
 * The key schedule a key log gave: each generation of keys, where its secret came from, the
 * values derived from it (with their formula) and what they opened.
 */
/** A command that computes a value again (OpenSSL 3), to read, select or copy. */
function reproduce(cmd) {
  const copy = el('button', { type: 'button', class: 'link-btn ks-copy', text: t('keys.copy') });
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(cmd).then(() => { copy.textContent = t('keys.copied'); }, () => {});
  });
  return el('details', { class: 'ks-cmd' },
    el('summary', { text: t('keys.reproduce') }),
    el('p', { class: 'muted', text: t('keys.reproduceHelp') }),
    el('code', { class: 'ks-command', text: cmd }),
    copy);
}

function keySchedule(gens) {
  if (!gens || !gens.length) return null;
  const dirText = (d) => (d === 'c2s' ? t('dir.c2s') : d === 's2c' ? t('dir.s2c') : '');
  return el('details', { id: 'key-schedule', class: 'key-schedule' },
    el('summary', { text: t('keys.heading', gens.length) }),
    el('p', { class: 'help', text: t('keys.help') }),
    el('ol', { class: 'ks-list' }, gens.map((g) => el('li', { class: ['ks-gen', g.dir || ''], data: { name: g.name } },
      el('div', { class: 'ks-head' },
        el('code', { class: 'ks-name', text: g.name }),
        g.dir ? el('span', { class: ['dir-badge', g.dir], text: dirText(g.dir) }) : null,
        el('span', { class: 'muted', text: ' · ' + g.source })),
      el('p', { class: 'ks-text', text: g.text }),
      el('table', { class: 'ks-values' }, el('tbody', {}, g.values.map((v) => el('tr', {},
        el('th', { scope: 'row', text: v.name }),
        el('td', {}, v.hex ? el('code', { class: 'ks-hex', text: v.hex }) : null, el('div', { class: 'ks-formula muted', text: v.formula }), v.command ? reproduce(v.command) : null))))),
      g.protects.length ? el('p', { class: 'ks-protects' }, el('span', { class: 'muted', text: t('keys.protects', g.records) + ' ' }), g.protects.join(', ')) : el('p', { class: 'ks-protects muted', text: t('keys.unused') }),
    ))));
}
