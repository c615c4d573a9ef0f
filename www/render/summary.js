// Summary panel: negotiated parameters, certificates, alerts, notes and input diagnostics.
import { el, clear } from './dom.js';
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

function suiteParts(p) {
  if (!p) return null;
  const keys = ['key_exchange', 'authentication', 'cipher', 'mode', 'key_bits', 'mac', 'prf'];
  const items = [];
  for (const k of keys) {
    if (p[k] === null || p[k] === undefined || p[k] === '') continue;
    const v = k === 'key_bits' ? t('parts.bits', p[k]) : String(p[k]);
    items.push(el('li', {}, el('span', { class: 'part-k', text: t('parts.' + k) }), el('span', { class: 'part-v', text: v })));
  }
  return items.length ? el('ul', { class: 'suite-parts' }, items) : null;
}

/** Diagnostics as a list with role="alert", so bad input is announced and visible. */
export function renderDiagnostics(diags) {
  if (!diags || !diags.length) return null;
  const ul = el('ul', { class: 'diagnostics', role: 'alert' });
  for (const d of diags) {
    const sev = d.severity === 'warning' ? 'warning' : 'error';
    let msg = String(d.message ?? '');
    const hasLc = d.line !== undefined && d.line !== null && d.column !== undefined && d.column !== null;
    // The core's message may start with its own "line L, column C: "; the location is shown separately.
    if (hasLc) {
      const prefix = `line ${d.line}, column ${d.column}: `;
      if (msg.startsWith(prefix)) msg = msg.slice(prefix.length);
    }
    ul.appendChild(el('li', { class: ['diag', sev], data: { offset: d.offset } },
      el('span', { class: ['sev', sev], text: t('diag.' + sev) }),
      el('span', { class: 'diag-loc' },
        hasLc ? el('span', { class: 'diag-lc', text: t('diag.linecol', d.line, d.column) }) : null,
        d.offset !== undefined && d.offset !== null ? el('span', { class: 'diag-off', text: t('diag.offset', d.offset) }) : null,
      ),
      el('span', { class: 'diag-msg', text: msg }),
    ));
  }
  return el('section', { class: 'panel diag-panel', 'aria-labelledby': 'diag-h' },
    el('h2', { id: 'diag-h', text: t('diag.heading') }), ul);
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

function certsList(certs, onShowBytes) {
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
        ));
    })));
}

/**
 * Render the summary of connection `conn` (may be undefined) plus the input diagnostics.
 * `opts.connections` / `opts.connIndex` / `opts.onConnection` drive a connection picker when
 * there is more than one; `opts.onShowBytes(span)` jumps to a certificate's bytes.
 */
export function renderSummary(container, result, opts = {}) {
  clear(container);
  const conns = result.connections || [];
  const ci = Math.min(opts.connIndex || 0, Math.max(0, conns.length - 1));
  const conn = conns[ci];

  const diag = renderDiagnostics(result.diagnostics);
  if (diag) container.appendChild(diag);

  const panel = el('section', { class: 'panel summary-panel', 'aria-labelledby': 'sum-h' });
  const head = el('div', { class: 'panel-head' }, el('h2', { id: 'sum-h', text: t('summary.heading') }));
  if (conns.length > 1) {
    const sel = el('select', { id: 'conn', 'aria-label': t('summary.connection') });
    conns.forEach((c, i) => {
      const label = `${t('summary.connection')} ${i + 1}` + (c.client && c.server ? `: ${c.client} ⇄ ${c.server}` : '');
      sel.appendChild(el('option', { value: String(i), selected: i === ci, text: label }));
    });
    sel.addEventListener('change', () => opts.onConnection && opts.onConnection(Number(sel.value)));
    head.appendChild(sel);
  }
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
    ? [el('code', { class: 'suite', text: s.cipher_suite_name }), s.cipher_suite != null ? el('span', { class: 'code-num', text: ' ' + hex4(s.cipher_suite) }) : null, suiteParts(s.cipher_suite_parts)]
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
  if (s.resumed) flags.push(t('summary.resumed'));
  if (s.client_auth) flags.push(t('summary.clientAuth'));
  if (!flags.length && s.version_name) flags.push(t('summary.full'));
  const fps = [];
  if (s.ja3) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA3' }), el('code', { class: 'fp', title: s.ja3_string || '', text: s.ja3 })));
  if (s.ja3s) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA3S' }), el('code', { class: 'fp', title: s.ja3s_string || '', text: s.ja3s })));
  if (s.ja4) fps.push(el('div', { class: 'fp-line' }, el('span', { class: 'fp-k', text: 'JA4' }), el('code', { class: 'fp', text: s.ja4 })));

  const known = s.version_name || s.cipher_suite_name || s.sni || (s.alpn_offered && s.alpn_offered.length) ||
    (conn.messages && conn.messages.length) || (conn.certificates && conn.certificates.length);
  if (!known) {
    panel.appendChild(el('p', { class: 'muted', text: t('summary.noMessages') }));
  } else panel.appendChild(el('dl', { class: 'facts' },
    tile(t('summary.version'), 'f-version', version),
    tile(t('summary.kx'), 'f-kx', kx),
    tile(t('summary.sni'), 'f-sni', s.sni ? el('strong', { class: 'sni', text: s.sni }) : null),
    tile(t('summary.suite'), 'f-suite full', suite),
    tile(t('summary.alpn'), 'f-alpn', alpn),
    tile(t('summary.leaf'), 'f-leaf wide', leafV),
    tile(t('summary.flags'), 'f-flags', flags.length ? flags.join(' · ') : null),
    tile(t('summary.fingerprints'), 'f-fp wide', fps.length ? fps : null),
  ));

  const side = el('div', { class: 'sum-side' },
    notesList(conn.notes),
    alertsList(conn.alerts),
    certsList(conn.certificates, opts.onShowBytes),
  );
  if (side.childNodes.length) panel.appendChild(side);
}
