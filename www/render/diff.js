// "Compare two ClientHellos": pick connection A of this input and B (another connection, or a
// connection of another file), then show the core's comparison (`tls-lens diff`) side by side:
// each field's values for A and B, what only one side has, and what the differences mean.
import { el, clear } from './dom.js';
import { t } from '../i18n.js';

const OTHER = 'file';

/**
 * opts: {
 *   conns: [{label}] the connections of this input (with a ClientHello or not),
 *   a, b: picked indexes (b may be 'file'), fileName: the other file's name or '',
 *   result: the diff object, or {error}, or null,
 *   onCompare({a, b}), onFile(File), onText(string)
 * }
 */
export function renderDiff(container, opts) {
  clear(container);
  const { conns = [], result = null } = opts;
  if (!conns.length) return;
  const pick = (id, value, withFile) => {
    const sel = el('select', { id, 'aria-label': id === 'diff-a' ? t('diff.a') : t('diff.b') },
      conns.map((c, i) => el('option', { value: String(i), text: c.label })),
      withFile ? el('option', { value: OTHER, text: opts.fileName ? t('diff.fileNamed', opts.fileName) : t('diff.file') }) : null);
    sel.value = String(value);
    return sel;
  };
  const selA = pick('diff-a', opts.a ?? 0, false);
  const selB = pick('diff-b', opts.b ?? (conns.length > 1 ? 1 : OTHER), true);
  const file = el('input', { id: 'diff-file', type: 'file', class: 'visually-hidden' });
  file.addEventListener('change', () => {
    if (file.files && file.files[0]) opts.onFile(file.files[0]);
  });
  const go = el('button', { type: 'button', id: 'diff-go', class: 'primary', text: t('diff.compare') });
  go.addEventListener('click', () => {
    const b = selB.value === OTHER ? OTHER : Number(selB.value);
    if (b === OTHER && !opts.fileName) {
      file.click();
      return;
    }
    opts.onCompare({ a: Number(selA.value), b });
  });
  const fileBtn = el('label', { class: 'btn file-btn' }, file, el('span', { text: t('diff.pickFile') }));
  // B pasted as text (any dialect the page reads).
  const text = el('textarea', { id: 'diff-text', rows: '3', spellcheck: 'false', 'aria-label': t('diff.pasteLabel'), placeholder: t('diff.pasteLabel') });
  const useText = el('button', { type: 'button', id: 'diff-use-text', text: t('diff.useText') });
  useText.addEventListener('click', () => {
    if (text.value.trim()) opts.onText(text.value);
  });
  const paste = el('details', { class: 'diff-paste' }, el('summary', { text: t('diff.paste') }), text, useText);
  const body = [
    el('p', { class: 'help', text: t('diff.help') }),
    el('div', { class: 'diff-pick' },
      el('label', {}, el('span', { class: 'diff-side', text: 'A' }), selA),
      el('label', {}, el('span', { class: 'diff-side', text: 'B' }), selB),
      fileBtn, go),
    paste,
  ];
  if (result && result.error) body.push(el('p', { class: 'diff-error', role: 'alert', text: result.error }));
  else if (result) body.push(table(result), notes(result));
  container.appendChild(el('details', { id: 'diff', class: 'panel diff-panel', open: !!result || opts.open },
    el('summary', {}, el('h2', { text: t('diff.heading') })),
    ...body));
}

function values(list, only, side) {
  if (!list.length) return el('span', { class: 'muted', text: '—' });
  return el('ul', { class: 'diff-values' }, list.map((v) => el('li', { class: only.includes(v) ? ['only', 'only-' + side] : null, text: v })));
}

function table(d) {
  const state = (i) => (i.same ? 'same' : i.reordered ? 'reordered' : 'differs');
  return el('table', { class: 'diff-table' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: t('diff.field') }),
      el('th', { scope: 'col', text: 'A · ' + d.a }),
      el('th', { scope: 'col', text: 'B · ' + d.b }),
      el('th', { scope: 'col', text: t('diff.state') }))),
    el('tbody', {}, d.items.map((i) => el('tr', { class: 'diff-' + state(i), data: { field: i.field } },
      el('th', { scope: 'row' }, el('code', { text: i.field })),
      el('td', { data: { side: 'A' } }, values(i.a, i.only_a, 'a')),
      el('td', { data: { side: 'B' } }, values(i.b, i.only_b, 'b')),
      el('td', { class: 'diff-state', text: t('diff.' + state(i)) })))));
}

function notes(d) {
  if (!d.notes.length) return null;
  return el('ul', { class: 'diff-notes' }, d.notes.map((n) => el('li', { text: n })));
}
