// The numbered step list: one <li> per message, with direction, name, title and badges.
import { el, clear, millis } from './dom.js';
import { t } from '../i18n.js';

export function dirLabel(dir) {
  if (dir === 'c2s') return t('dir.c2s');
  if (dir === 's2c') return t('dir.s2c');
  return t('dir.unknown');
}

const norm = (s) => String(s).replace(/\s+/g, '').toLowerCase();

/** Render `messages` into the <ol>; `selected` is the step number to mark as selected. */
export function renderSteps(ol, messages, selected) {
  clear(ol);
  if (!messages.length) {
    ol.appendChild(el('li', { class: 'step-empty', 'aria-disabled': 'true', text: t('steps.empty') }));
    return;
  }
  for (const m of messages) {
    const dir = m.dir === 'c2s' || m.dir === 's2c' ? m.dir : 'unknown';
    const isSel = m.step === selected;
    const li = el('li', {
      class: ['step', dir, m.encrypted && 'encrypted', m.decrypted && 'decrypted'],
      role: 'option',
      'aria-selected': isSel ? 'true' : 'false',
      tabindex: isSel ? '0' : '-1',
      data: { step: m.step, dir: m.dir || '', name: m.name },
      title: m.title || m.name,
    },
      el('span', { class: 'step-num', 'aria-hidden': 'true', text: m.step }),
      el('span', { class: 'step-body' },
        el('span', { class: 'step-meta' },
          el('span', { class: 'step-dir', text: `[${dirLabel(m.dir)}]` }),
          m.dir_inferred && m.dir ? el('span', { class: 'tag inferred', title: t('dir.inferredTip'), text: t('dir.inferred') }) : null,
          m.encrypted ? el('span', { class: 'tag enc', title: t('enc.badge') }, el('span', { class: 'lock', 'aria-hidden': 'true' }), ' ', t('enc.badge')) : null,
          m.decrypted ? el('span', { class: 'tag dec', text: t('enc.decrypted') }) : null,
          m.time_us != null ? el('span', { class: 'step-time', title: t('steps.timeHelp', millis(m.time_us)), text: t('steps.time', millis(m.time_us)) }) : null,
        ),
        el('span', { class: 'step-name', text: m.name }),
        // The title is shown unless it only re-spaces the name ("ServerHello" / "Server Hello").
        m.title && norm(m.title) !== norm(m.name) ? el('span', { class: 'step-title', text: m.title }) : null,
      ),
    );
    ol.appendChild(li);
  }
}

export function markSelected(ol, step) {
  for (const li of ol.querySelectorAll('li[data-step]')) {
    const on = Number(li.dataset.step) === step;
    li.setAttribute('aria-selected', on ? 'true' : 'false');
    li.tabIndex = on ? 0 : -1;
  }
}

/**
 * Click and keyboard handling, bound once: click selects; ArrowUp/ArrowDown/Home/End move;
 * Enter/Space select the focused step. `onSelect(step, {focus})` does the work.
 */
export function bindSteps(ol, onSelect) {
  ol.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-step]');
    if (li && ol.contains(li)) onSelect(Number(li.dataset.step), { focus: true, scroll: true });
  });
  ol.addEventListener('keydown', (e) => {
    const items = [...ol.querySelectorAll('li[data-step]')];
    if (!items.length) return;
    const cur = items.findIndex((li) => li.getAttribute('aria-selected') === 'true');
    let next = -1;
    switch (e.key) {
      case 'ArrowDown': case 'ArrowRight': next = Math.min(items.length - 1, cur + 1); break;
      case 'ArrowUp': case 'ArrowLeft': next = Math.max(0, cur - 1); break;
      case 'Home': next = 0; break;
      case 'End': next = items.length - 1; break;
      case 'Enter': case ' ': {
        const li = e.target.closest('li[data-step]');
        if (li) { e.preventDefault(); onSelect(Number(li.dataset.step), { focus: true, scroll: true }); }
        return;
      }
      default: return;
    }
    e.preventDefault();
    if (next >= 0 && next !== cur) onSelect(Number(items[next].dataset.step), { focus: true, scroll: false });
  });
}
