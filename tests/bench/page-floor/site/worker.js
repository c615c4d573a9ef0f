// empty: answers at once. floor: the floor wasm reads the default sample. core / lite: the page's
// full / lite core analyses it.
const mode = new URL(self.location).searchParams.get('m');
const sample = mode === 'empty' ? null : fetch('s.hex').then((r) => r.text());
let ms = 0;
if (mode === 'floor') {
  const { default: init, summary } = await import('./floor/page_floor.js');
  await init();
  const hex = (await sample).replace(/[^0-9a-f]/gi, '');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
  const t0 = performance.now();
  if (!summary(bytes).includes('cert')) throw new Error('floor wasm read no certificate');
  ms = performance.now() - t0;
} else if (mode === 'core' || mode === 'lite') {
  const { default: init, analyze, setTexts } = await import(mode === 'lite' ? './pkg/tls_lens_lite.js' : './pkg/tls_lens.js');
  const texts = mode === 'lite' ? fetch('pkg/texts-en.tsv').then((r) => r.text()) : null;
  await init();
  if (texts) setTexts('en', await texts);
  const bytes = new TextEncoder().encode((await sample).trimEnd());
  const t0 = performance.now();
  if (!analyze(bytes, 'en').connections.length) throw new Error('core read no connection');
  ms = performance.now() - t0;
}
postMessage(ms);
