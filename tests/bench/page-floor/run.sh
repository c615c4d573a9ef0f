#!/usr/bin/env bash
# The floor under issue #6's budgets (150 KB gzipped transfer, default sample painted in 150 ms):
#  1. size: the smallest wasm built from the crates TLS Lens stands on (tls-parser, x509-parser,
#     wasm-bindgen), through the same wasm-bindgen + wasm-opt -Oz steps as `make wasm`;
#  2. time: on a blank page in headless Chromium, when an empty module worker first speaks, when
#     a worker has that floor wasm ready and has read the default sample with it, and the same
#     with the page's lite and full cores (www/pkg, so run `make wasm` first).
# Run from the repository root: tests/bench/page-floor/run.sh  (needs network-free cargo: --offline)
set -euo pipefail
here=tests/bench/page-floor
out=$here/out
mkdir -p "$out/site/floor"
CARGO_TARGET_DIR=$out/target cargo build --offline --release --target wasm32-unknown-unknown \
  --manifest-path $here/Cargo.toml 2>&1 | tail -1
wasm-bindgen --target web --no-typescript --out-dir "$out/site/floor" "$out/target/wasm32-unknown-unknown/release/page_floor.wasm"
node_modules/.bin/wasm-opt -Oz "$out/site/floor/page_floor_bg.wasm" -o "$out/site/floor/page_floor_bg.wasm"
size() { echo "$(stat -c %s "$1") bytes, $(gzip -9c "$1" | wc -c) gzipped"; }
echo "floor wasm: $(size "$out/site/floor/page_floor_bg.wasm")"
echo "lite core:  $(size www/pkg/tls_lens_lite_bg.wasm)"
echo "full core:  $(size www/pkg/tls_lens_bg.wasm)"
ui=0; for f in www/index.html www/style.css www/boot.js www/app.js www/i18n.js www/worker.js www/worker-client.js www/render/*.js www/pkg/tls_lens.js www/pkg/tls_lens_lite.js www/pkg/texts-en.tsv www/samples/tls12-ecdhe-rsa.hex; do
  ui=$((ui + $(gzip -9c "$f" | wc -c))); done
echo "page without its wasm (html, css, js, glue, English texts, default sample): $ui bytes gzipped"
rm -rf "$out/site/pkg" && cp -r www/pkg "$out/site/pkg" && cp www/samples/tls12-ecdhe-rsa.hex "$out/site/s.hex"
cp $here/site/* "$out/site/"
node $here/paint.mjs "$out/site"
