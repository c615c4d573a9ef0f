// Tiny DOM builder. Text only ever goes in through text nodes / textContent and attributes
// through setAttribute, so strings from the input can never become markup.

/**
 * el('li', { class: 'a b', data: { step: 1 }, title: 'x', text: 'hello' }, child, 'text', ...)
 * Children may be nodes, strings/numbers (become text nodes), null/undefined/false (skipped) or arrays.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) { if (dv !== undefined && dv !== null) node.dataset[dk] = String(dv); }
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

/**
 * An identifier such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 as text that may wrap only after
 * its underscores (<wbr>), never inside a word ("SHA2 / 56"). Copying it gives the name unchanged.
 */
export function breakAtUnderscores(name) {
  const parts = String(name).split(/(?<=_)/);
  const out = [];
  parts.forEach((p, i) => {
    if (i) out.push(document.createElement('wbr'));
    out.push(p);
  });
  return out;
}

export function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** A capture time in microseconds as milliseconds with three decimals ("2.508"). */
export const millis = (us) => (us / 1000).toFixed(3);

/** Hex string of bytes (lowercase) -> Uint8Array. */
export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
