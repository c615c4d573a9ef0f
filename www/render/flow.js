// The handshake as a sequence diagram: client and server lifelines, one numbered arrow per
// step, flights (consecutive steps in one direction) shaded, encrypted steps dashed, alerts
// red, QUIC packets thin. Clicking an arrow selects its step. SVG built with text nodes only.
import { clear, millis } from './dom.js';
import { t } from '../i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const WIDE = 640;
const TOP = 46;
const ROW = 30;

function svg(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = String(text);
  return n;
}

/** Flights: runs of consecutive steps in the same direction. */
function flights(messages) {
  const out = [];
  for (const [i, m] of messages.entries()) {
    const last = out[out.length - 1];
    if (last && last.dir === m.dir) last.end = i;
    else out.push({ dir: m.dir, start: i, end: i });
  }
  return out;
}

/**
 * The width to draw at: the width shown when that is narrow (a phone, a narrow column: scaled
 * down from 640, the labels would shrink to a few pixels), else 640. (Measured only where it can
 * be narrow: reading a width forces a layout, which the page's first view on a wide screen does
 * not pay for.)
 */
function drawWidth(container) {
  const mayBeNarrow = innerWidth < 700 || container.getRootNode() !== document;
  const avail = mayBeNarrow ? Math.round(container.clientWidth || 0) : 0;
  return avail > 0 && avail < 560 ? Math.max(280, avail) : WIDE;
}

/** Whether the diagram in `container` was drawn for another width than it has now. */
export function flowOutOfShape(container) {
  const drawn = Number(container.dataset.width || 0);
  return drawn > 0 && drawWidth(container) !== drawn;
}

export function renderFlow(container, messages, selected, onSelect) {
  clear(container);
  delete container.dataset.width;
  if (!messages.length) return;
  // Narrow: the lifelines closer to the edges and each time under its arrow, by the sender.
  const W = drawWidth(container);
  const narrow = W !== WIDE;
  container.dataset.width = String(W);
  const LEFT = narrow ? 36 : 110;
  const RIGHT = W - LEFT;
  const h = TOP + messages.length * ROW + 16;
  const root = svg('svg', { viewBox: `0 0 ${W} ${h}`, class: 'flow-svg', role: 'img', 'aria-label': t('flow.label', messages.length) });
  const defs = svg('defs');
  for (const kind of ['c2s', 's2c', 'alert', 'muted']) {
    const mk = svg('marker', { id: `flow-arrow-${kind}`, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    mk.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `flow-head ${kind}` }));
    defs.appendChild(mk);
  }
  root.appendChild(defs);
  for (const f of flights(messages)) {
    if (f.end === f.start) continue;
    root.appendChild(svg('rect', { x: LEFT + 6, y: TOP + f.start * ROW - 4, width: RIGHT - LEFT - 12, height: (f.end - f.start + 1) * ROW - 4, rx: 6, class: `flow-flight ${f.dir || ''}` }));
  }
  root.appendChild(svg('text', { x: LEFT, y: 20, class: 'flow-actor', 'text-anchor': 'middle' }, t('flow.client')));
  root.appendChild(svg('text', { x: RIGHT, y: 20, class: 'flow-actor', 'text-anchor': 'middle' }, t('flow.server')));
  for (const x of [LEFT, RIGHT]) root.appendChild(svg('line', { x1: x, y1: 28, x2: x, y2: h - 6, class: 'flow-life' }));
  for (const [i, m] of messages.entries()) {
    const y = TOP + i * ROW + ROW / 2 - 2;
    const c2s = m.dir !== 's2c';
    const alert = m.content_type === 21 && !m.encrypted;
    const packet = !!m.quic;
    const kind = alert ? 'alert' : packet ? 'muted' : c2s ? 'c2s' : 's2c';
    const g = svg('g', {
      class: ['flow-msg', kind, m.encrypted && 'encrypted', m.decrypted && 'decrypted', packet && 'packet', m.step === selected && 'selected'].filter(Boolean).join(' '),
      'data-step': m.step,
      tabindex: '-1',
    });
    g.appendChild(svg('title', {}, `${m.step}. ${m.title || m.name}`));
    // A wide transparent band makes the arrow easy to click.
    g.appendChild(svg('rect', { x: LEFT, y: y - ROW / 2 + 2, width: RIGHT - LEFT, height: ROW - 2, class: 'flow-hit' }));
    const [x1, x2] = c2s ? [LEFT + 2, RIGHT - 4] : [RIGHT - 2, LEFT + 4];
    g.appendChild(svg('line', { x1, y1: y + 6, x2, y2: y + 6, class: 'flow-line', 'marker-end': `url(#flow-arrow-${kind})` }));
    const label = `${m.step}. ${m.name}${m.encrypted ? ' · ' + t('enc.badge') : ''}`;
    g.appendChild(svg('text', { x: (LEFT + RIGHT) / 2, y: y + 1, 'text-anchor': 'middle', class: 'flow-label' }, label));
    // The capture time, beside the side that sent it.
    if (m.time_us != null) {
      const at = narrow ? { x: c2s ? LEFT + 4 : RIGHT - 4, y: y + 16, 'text-anchor': c2s ? 'start' : 'end' } : { x: c2s ? LEFT - 8 : RIGHT + 8, y: y + 10, 'text-anchor': c2s ? 'end' : 'start' };
      g.appendChild(svg('text', { ...at, class: 'flow-time' }, t('steps.time', millis(m.time_us))));
    }
    root.appendChild(g);
  }
  root.addEventListener('click', (e) => {
    const g = e.target instanceof Element ? e.target.closest('g[data-step]') : null;
    if (g) onSelect(Number(g.getAttribute('data-step')), { scroll: true });
  });
  container.appendChild(root);
}

export function markFlow(container, step) {
  for (const g of container.querySelectorAll('g[data-step]')) {
    g.classList.toggle('selected', Number(g.getAttribute('data-step')) === step);
  }
}
