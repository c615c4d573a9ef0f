// The card of the selected step: title, name, direction, explanation, field tree and hex view.
// Hover linking (field -> bytes, byte -> field) uses one delegated mouseover listener on the
// card container, bound once by bindCardHover().
import { el, clear } from './dom.js';
import { t } from '../i18n.js';
import { dirLabel } from './steps.js';
import { renderHex } from './hexview.js';

// What the hover handlers need about the card shown in each container (several <tls-lens>
// elements may share a page): { hex, rows: [{ row, off, len, depth }], lit }.
const cards = new WeakMap();
let last = null; // the container rendered last (focusSpan's default)

function fieldRow(f, depth) {
  const hasKids = f.children && f.children.length > 0;
  const row = el(hasKids ? 'summary' : 'div', {
    class: ['field-row', hasKids ? 'branch' : 'leaf'],
    data: { off: f.span.offset, len: f.span.len, depth },
  },
    el('span', { class: 'f-line' },
      el('span', { class: 'f-name', text: f.name }),
      f.value !== null && f.value !== undefined && f.value !== '' ? el('span', { class: 'f-value', text: f.value }) : null,
      el('span', { class: 'f-len', title: `${f.span.len} B @ ${f.span.offset}`, text: `${f.span.len} B` }),
    ),
    f.note ? el('span', { class: 'f-note', text: f.note }) : null,
  );
  return row;
}

function fieldTree(fields, depth, rows) {
  const ul = el('ul', { class: depth === 0 ? 'tree' : 'tree sub', role: depth === 0 ? 'tree' : 'group' });
  for (const f of fields) {
    const row = fieldRow(f, depth);
    rows.push({ row, off: f.span.offset, len: f.span.len, depth });
    const li = el('li', { class: 'field', role: 'treeitem' });
    if (f.children && f.children.length) {
      const det = el('details', { open: depth === 0 }, row);
      det.appendChild(fieldTree(f.children, depth + 1, rows));
      li.appendChild(det);
    } else {
      li.appendChild(row);
    }
    ul.appendChild(li);
  }
  return ul;
}

const pending = new WeakMap(); // container -> the token of its deferred body

/**
 * Render message `m` into `container`. `stream` is the connection's bytes (Uint8Array) and
 * `chunks` its stream.chunks (direction and capture frame of each piece). With `later`, the
 * field tree and the hex view are built after the next frame is painted (the page's first
 * view: the explanation is on screen sooner; nothing can be hovered before then anyway).
 */
export function renderCard(container, m, stream, chunks, { later = false } = {}) {
  clear(container);
  cards.delete(container);
  pending.delete(container);
  if (!m) {
    container.appendChild(el('p', { class: 'card-empty', text: t('card.empty') }));
    return;
  }
  const dir = m.dir === 'c2s' || m.dir === 's2c' ? m.dir : 'unknown';
  const body = el('div', { class: 'card-body' });

  const article = el('article', { class: ['card', dir, m.encrypted && 'encrypted'], 'aria-labelledby': 'card-title', data: { step: m.step, name: m.name } },
    el('header', { class: 'card-head' },
      el('div', { class: 'card-meta' },
        el('span', { class: 'card-step', text: t('card.step', m.step) }),
        el('span', { class: ['dir-badge', dir], text: dirLabel(m.dir) }),
        m.dir_inferred && m.dir ? el('span', { class: 'tag inferred', title: t('dir.inferredTip'), text: t('dir.inferred') }) : null,
        m.encrypted ? el('span', { class: 'tag enc' }, el('span', { class: 'lock', 'aria-hidden': 'true' }), ' ', t('enc.badge')) : null,
        m.decrypted ? el('span', { class: 'tag dec', text: t('enc.decrypted') }) : null,
      ),
      el('h2', { id: 'card-title', class: 'card-title', text: m.title || m.name }),
      el('p', { class: 'card-sub' },
        el('code', { class: 'card-name', text: m.name }),
        el('span', { class: 'card-where', text: m.span.len > 0 ? t('card.bytesOf', m.span.offset, m.span.len) : t('card.noBytes') }),
        m.records && m.records.length ? el('span', { class: 'card-records', text: t('card.records', m.records.length, m.records.map((r) => '#' + r).join(', ')) }) : null,
      ),
    ),
    el('p', { class: 'explanation', text: m.explanation || '' }),
    body,
  );
  container.appendChild(article);
  last = container;
  const build = () => {
    pending.delete(container);
    const rows = [];
    const hex = renderHex(stream, m.span, m.pieces, chunks);
    body.append(
      el('section', { class: 'card-fields', 'aria-label': t('card.fields') },
        el('h3', { text: t('card.fields') }),
        fieldTree(m.fields || [], 0, rows),
      ),
      el('section', { class: 'card-bytes', 'aria-label': t('card.bytes') },
        el('h3', { text: t('card.bytes') }),
        el('p', { class: 'hint', text: t('card.hoverHelp') }),
        hex.node,
      ),
    );
    cards.set(container, { hex, rows, lit: null });
  };
  if (later) {
    // (A card rendered meanwhile replaces the token: this one is then never built.)
    const token = {};
    pending.set(container, token);
    // Two tasks after the frame: the page's mark of that frame (a task queued from its
    // requestAnimationFrame) comes first, and is not held up by this build.
    requestAnimationFrame(() => setTimeout(() => setTimeout(() => { if (pending.get(container) === token) build(); }, 0), 0));
  } else {
    build();
  }
}

function isShown(row) {
  if (typeof row.checkVisibility === 'function') return row.checkVisibility();
  return row.offsetParent !== null;
}

/** Innermost field containing byte `off`; with `visibleOnly`, among rows not hidden in closed <details>. */
function fieldAt(active, off, visibleOnly) {
  let best = null;
  for (const r of active.rows) {
    if (off < r.off || off >= r.off + r.len) continue;
    if (visibleOnly && !isShown(r.row)) continue;
    if (!best || r.len < best.len || (r.len === best.len && r.depth > best.depth)) best = r;
  }
  return best;
}

function setRow(active, row) {
  if (active.lit === row) return;
  if (active.lit) active.lit.classList.remove('hl');
  active.lit = row;
  if (row) row.classList.add('hl');
}

function clearAll(active) {
  if (!active) return;
  setRow(active, null);
  active.hex.clear();
  active.hex.reset();
}

function onFieldRow(active, row, reveal) {
  setRow(active, row);
  // Views elsewhere that show the same bytes (a certificate's ASN.1 tree) can light them too.
  row.dispatchEvent(new CustomEvent('tls-lens:field', { bubbles: true, detail: { off: Number(row.dataset.off), len: Number(row.dataset.len) } }));
  const first = active.hex.highlight(Number(row.dataset.off), Number(row.dataset.len));
  if (reveal) active.hex.reveal(first);
}

function onByte(active, off, byteEl) {
  active.hex.describe(off, byteEl);
  const r = fieldAt(active, off, true);
  if (r) {
    setRow(active, r.row);
    active.hex.highlight(r.off, r.len);
  } else {
    setRow(active, null);
    active.hex.highlight(off, 1);
  }
}

export function bindCardHover(container) {
  container.addEventListener('mouseover', (e) => {
    const active = cards.get(container);
    // Right after a jump to some bytes the card scrolls under a still mouse: keep the jump's
    // highlight until the mouse really moves.
    if (!active || performance.now() < pinnedUntil) return;
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    const row = target.closest('.field-row');
    if (row && container.contains(row)) { active.hex.reset(); onFieldRow(active, row, true); return; }
    const b = target.closest('[data-off], [data-aoff]');
    if (b && container.contains(b) && (b.classList.contains('b') || b.classList.contains('a'))) {
      onByte(active, Number(b.dataset.off ?? b.dataset.aoff), b);
      return;
    }
    if (!target.closest('.field-row, .hex-bytes, .hex-ascii')) clearAll(active);
  });
  container.addEventListener('mouseleave', () => { if (performance.now() >= pinnedUntil) clearAll(cards.get(container)); });
  container.addEventListener('mousemove', () => { pinnedUntil = 0; });
  // Keyboard users: focusing a <summary> row shows its bytes too.
  container.addEventListener('focusin', (e) => {
    const row = e.target instanceof Element ? e.target.closest('.field-row') : null;
    const active = cards.get(container);
    if (active && row) onFieldRow(active, row, true);
  });
  // Clicking a byte opens the field tree down to the innermost field and scrolls it into view.
  container.addEventListener('click', (e) => {
    const active = cards.get(container);
    if (!active || !(e.target instanceof Element)) return;
    const b = e.target.closest('.hex-bytes .b, .hex-ascii .a');
    if (!b) return;
    const r = fieldAt(active, Number(b.dataset.off ?? b.dataset.aoff), false);
    if (!r) return;
    for (let d = r.row.parentElement.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    setRow(active, r.row);
    active.hex.highlight(r.off, r.len);
    r.row.scrollIntoView({ block: 'nearest' });
  });
}

let pinnedUntil = 0;

/** Highlight the bytes [off, off+len) of the shown card (and the field with exactly that span, if any). */
export function focusSpan(off, len, container = last) {
  const active = container && cards.get(container);
  if (!active) return;
  pinnedUntil = performance.now() + 1500;
  const r = active.rows.find((x) => x.off === off && x.len === len) || fieldAt(active, off, false);
  if (r) {
    for (let d = r.row.parentElement.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    setRow(active, r.row);
    r.row.scrollIntoView({ block: 'nearest' });
  }
  active.hex.reveal(active.hex.highlight(off, len));
}
