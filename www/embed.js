// embed.html: one <tls-lens> filling the frame. Attributes come from the query string
// (?src=…&lang=zh&step=3&conn=0&compact&theme=dark, or ?json=… for `tls-lens explain --json` output); an input may come in the fragment as the
// page's permalinks carry it (#in=<deflate-raw, base64url>), so it never reaches a server.
import './tls-lens.js';

const q = new URLSearchParams(location.search);
const lens = document.createElement('tls-lens');
for (const a of ['src', 'hex', 'json', 'keylog', 'lang', 'step', 'conn', 'theme']) if (q.has(a)) lens.setAttribute(a, q.get(a));
if (q.has('compact')) lens.setAttribute('compact', '');
// The frame is the element: it starts at once (a host page makes the frame itself lazy with
// <iframe loading="lazy">).
lens.setAttribute('loading', 'eager');
document.body.append(lens);

const h = new URLSearchParams(location.hash.slice(1));
if (h.has('in')) {
  const bin = atob(h.get('in').replace(/-/g, '+').replace(/_/g, '/'));
  const packed = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  new Response(stream).arrayBuffer().then((buf) => { lens.input = new Uint8Array(buf); });
  if (h.has('step') && !q.has('step')) lens.setAttribute('step', h.get('step'));
  if (h.has('lang') && !q.has('lang')) lens.setAttribute('lang', h.get('lang'));
}
