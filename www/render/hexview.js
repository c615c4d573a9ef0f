// Hex view: rows of 16 bytes aligned on absolute stream offsets, with an offset column,
// the hex bytes (one <span data-off="N"> each) and an ASCII column.
import { el } from './dom.js';
import { t } from '../i18n.js';
import { dirLabel } from './steps.js';

const ROW = 16;

function hex2(n) {
  return n.toString(16).padStart(2, '0');
}

function offLabel(n, width) {
  return n.toString(16).padStart(width, '0');
}

/** Index of the chunk holding stream offset `off` (chunks are sorted and contiguous), or -1. */
function chunkIndex(chunks, off) {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = chunks[mid];
    if (off < c.offset) hi = mid - 1;
    else if (off >= c.offset + c.len) lo = mid + 1;
    else return mid;
  }
  return -1;
}

const hasFrame = (c) => c && c.frame !== undefined && c.frame !== null;

/**
 * Build the hex view for bytes [span.offset, span.offset + span.len) of `stream`.
 * Bytes of the span that are not in `pieces` (the record headers in front of a message's
 * fragments) get the class "rh" so they read as framing. `chunks` (the stream's chunks, each
 * { dir, offset, len, frame? }) mark where a new piece of the stream starts inside the span
 * (class "cs") and feed the status line under the bytes ("frame 7 · server → client").
 * Returns { node, scroller, highlight(off, len), clear(), reveal(el), describe(off, el), reset() }.
 */
export function renderHex(stream, span, pieces, chunks = []) {
  const start = span.offset;
  const end = Math.min(stream.length, span.offset + span.len);
  const inPiece = new Uint8Array(Math.max(0, end - start));
  if (pieces && pieces.length) {
    for (const p of pieces) {
      for (let o = Math.max(p.offset, start); o < Math.min(end, p.offset + p.len); o++) inPiece[o - start] = 1;
    }
  } else {
    inPiece.fill(1);
  }

  chunks = Array.isArray(chunks) ? chunks : [];
  const chunkStarts = new Set();
  const here = []; // chunks overlapping the span, in order
  for (let i = Math.max(0, chunkIndex(chunks, start)); i < chunks.length && chunks[i].offset < end; i++) {
    const c = chunks[i];
    if (c.offset + c.len <= start) continue;
    here.push(c);
    if (c.offset > start) chunkStarts.add(c.offset);
  }

  const width = Math.max(4, (end > 0 ? end - 1 : 0).toString(16).length);
  const byteEls = new Array(end - start);
  const asciiEls = new Array(end - start);

  const body = el('div', { class: 'hex-body' });
  const firstRow = Math.floor(start / ROW) * ROW;
  for (let rowOff = firstRow; rowOff < end; rowOff += ROW) {
    const hexCol = el('span', { class: 'hex-bytes' });
    const ascCol = el('span', { class: 'hex-ascii', 'aria-hidden': 'true' });
    for (let i = 0; i < ROW; i++) {
      const o = rowOff + i;
      if (o < start || o >= end) {
        hexCol.appendChild(el('span', { class: i === 7 ? 'pad mid' : 'pad', text: '  ' }));
        ascCol.appendChild(el('span', { class: 'pad', text: ' ' }));
        continue;
      }
      const v = stream[o];
      const cls = ['b'];
      if (!inPiece[o - start]) cls.push('rh');
      if (i === 7) cls.push('mid');
      const cs = chunkStarts.has(o);
      if (cs) cls.push('cs');
      const b = el('span', { class: cls, data: { off: o }, text: hex2(v) });
      const a = el('span', { class: ['a', !inPiece[o - start] && 'rh', cs && 'cs'], data: { aoff: o }, text: v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '.' });
      byteEls[o - start] = b;
      asciiEls[o - start] = a;
      hexCol.appendChild(b);
      ascCol.appendChild(a);
    }
    body.appendChild(el('div', { class: 'hex-row' },
      el('span', { class: 'hex-off', title: String(rowOff), text: offLabel(rowOff, width) }),
      hexCol,
      ascCol,
    ));
  }

  const head = el('div', { class: 'hex-head', 'aria-hidden': 'true' },
    el('span', { class: 'hex-off' }, el('span', { class: 'hex-off-label', text: t('hex.offset') })),
    el('span', { class: 'hex-bytes' }, ...Array.from({ length: ROW }, (_, i) => el('span', { class: i === 7 ? 'col mid' : 'col', text: hex2(i) }))),
    el('span', { class: 'hex-ascii', text: 'ASCII' }),
  );
  const scroller = el('div', { class: 'hex-scroll', tabindex: '0' }, head, body);
  // Offset column width follows the widest offset (CSSOM custom property; CSP allows it).
  scroller.style.setProperty('--offd', String(width));
  // One status line under the bytes: where the message came from, or the hovered byte's origin.
  const frames = [...new Set(here.filter(hasFrame).map((c) => c.frame))];
  // A step from a log line (curl -v) has no bytes: say why the view is empty.
  const idle = span.len === 0 ? t('hex.noBytes') : frames.length ? t('hex.frames', frames) : here.length > 1 ? t('hex.pieces', here.length) : '';
  const status = el('p', { class: ['hex-status', span.len === 0 && 'wrap'], id: 'hex-status', text: idle });
  const node = el('div', { class: 'hexview' }, scroller, status);

  /** Show where byte `off` came from in the status line (and as the byte's tooltip, set lazily). */
  function describe(off, byteEl) {
    const c = chunks[chunkIndex(chunks, off)];
    const parts = [t('hex.byte', off)];
    if (hasFrame(c)) parts.push(t('hex.frame', c.frame));
    if (c && c.dir) parts.push(dirLabel(c.dir));
    if (c && c.layer) parts.push(t('hex.layer.' + c.layer));
    if (here.length > 1 && c) parts.push(t('hex.piece', here.indexOf(c) + 1, here.length));
    const text = parts.join(' · ');
    status.textContent = text;
    if (byteEl && !byteEl.hasAttribute('title')) byteEl.setAttribute('title', text);
  }
  function reset() {
    status.textContent = idle;
  }

  let lit = [];
  function clear() {
    for (const e of lit) e.classList.remove('hl', 'hl-first', 'hl-last');
    lit = [];
  }
  function highlight(off, len) {
    clear();
    const a = Math.max(off, start);
    const z = Math.min(off + len, end);
    for (let o = a; o < z; o++) {
      const b = byteEls[o - start];
      const c = asciiEls[o - start];
      b.classList.add('hl');
      c.classList.add('hl');
      lit.push(b, c);
    }
    return z > a ? byteEls[a - start] : null;
  }
  /** Scroll the hex view (not the page) so that the byte element is visible. */
  function reveal(byteEl) {
    if (!byteEl || scroller.scrollHeight <= scroller.clientHeight) return;
    const row = byteEl.parentElement.parentElement;
    const top = row.offsetTop;
    const bottom = top + row.offsetHeight;
    const headH = head.offsetHeight;
    if (top - headH < scroller.scrollTop || bottom > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - headH - row.offsetHeight * 2);
    }
  }
  return { node, scroller, highlight, clear, reveal, describe, reset, start, end };
}
