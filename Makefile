# TLS Lens — `make run` builds everything and serves the page; `make test` runs every test.
# Both install what a fresh machine lacks (idempotently).

PORT ?= 8080
CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/release/tls_lens.wasm
WASM_BINDGEN_VERSION = $(shell $(CARGO) pkgid wasm-bindgen 2>/dev/null | sed 's/.*[@#]//')

.PHONY: run test setup setup-test wasm cli single package test-rust test-wasm test-browser size screenshots clean

run: setup wasm cli single
	@echo "TLS Lens: open http://127.0.0.1:$(PORT)/"
	./target/release/tls-lens serve www --port $(PORT)

test: setup setup-test wasm cli single test-rust test-wasm test-browser

# --- set-up ---------------------------------------------------------------
setup:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@v="$(WASM_BINDGEN_VERSION)"; \
	  if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$$v" ]; then \
	    echo "installing wasm-bindgen-cli $$v"; $(CARGO) install wasm-bindgen-cli --version "=$$v"; fi
	@[ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && [ -x node_modules/.bin/esbuild ] && [ -d node_modules/marked ] || npm install --no-audit --no-fund

setup-test:
	@# A CJK font, so that the Chinese screenshots show characters, not boxes.
	@[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || { echo "installing fonts-wqy-zenhei (apt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y fonts-wqy-zenhei >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y fonts-wqy-zenhei >/dev/null; }; }
	@# openssl and xxd: asn1parse reads every certificate for tests/asn1.rs; the key schedule's
	@# commands run in tests/recompute.rs.
	@command -v openssl >/dev/null && command -v xxd >/dev/null || { \
	  echo "installing openssl and xxd (apt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y openssl xxd >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y openssl xxd >/dev/null; }; }
	@# tshark: the independent reader of the captures `tls-lens export` writes (tests/export.rs).
	@command -v tshark >/dev/null || { \
	  echo "installing tshark (apt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y tshark >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y tshark >/dev/null; }; }
	@command -v chromium >/dev/null || { \
	  echo "installing chromium (apt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y chromium >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y chromium >/dev/null; }; }

# --- build ------------------------------------------------------------------
# The page's cores are built for size (opt-level "z": 16% smaller than the CLI's opt-level 3).
# Two of them: tls_lens_lite (no decryption, QUIC or certificate compression; what the page
# loads first) and tls_lens (everything; loaded when an input needs it). Neither carries the
# texts: they fetch those of their language, texts-<lang>.tsv, which the CLI writes.
WASM_BUILD = $(CARGO) build --release --lib --target $(WASM_TARGET) --config 'profile.release.opt-level="z"'
wasm: cli
	$(WASM_BUILD) --no-default-features
	wasm-bindgen --target web --no-typescript --out-dir www/pkg --out-name tls_lens_lite $(WASM_OUT)
	for l in en zh; do ./target/release/tls-lens texts $$l > www/pkg/texts-$$l.tsv || exit 1; done
	# The default view's analysis, made by the same core (the page draws it before any wasm loads).
	# (Its text without the trailing newline, as the page reads a sample.)
	for l in en zh; do printf '%s' "$$(cat www/samples/tls12-ecdhe-rsa.hex)" | ./target/release/tls-lens explain --json --lang $$l - > www/pkg/default-$$l.json || exit 1; done
	# The page's modules as one minified file (www/app.bundle.js; index.html loads it): one request
	# instead of ten before the first view can be drawn. tls-lens.js and the single-file build use
	# the modules themselves.
	node_modules/.bin/esbuild www/app.js --bundle --format=esm --minify --log-level=warning --outfile=www/app.bundle.js
	# www/index.html: page.html with that first view already drawn in it (by the page itself, in
	# headless Chromium), so that it is painted before any script runs.
	node www/build/prerender.mjs
	$(WASM_BUILD) --no-default-features --features full
	wasm-bindgen --target web --no-typescript --out-dir www/pkg $(WASM_OUT)
	for w in tls_lens_lite_bg tls_lens_bg; do \
	  node_modules/.bin/wasm-opt -Oz www/pkg/$$w.wasm -o www/pkg/$$w.wasm || exit 1; done

cli:
	$(CARGO) build --release --bin tls-lens

# The <tls-lens> element, its worker, cores and texts as an npm package in dist/, with TypeScript
# declarations (`npm install ./dist`, or `npm pack` it).
package: wasm
	node www/build/package.mjs dist

# One self-contained HTML file (JS and CSS inlined, wasm and samples embedded) for file:// use.
single: wasm
	node www/build/single-file.mjs target/tls-lens.html

# --- tests ------------------------------------------------------------------
test-rust:
	$(CARGO) test

test-wasm:
	$(CARGO) test --target $(WASM_TARGET) --test wasm

test-browser:
	node --test tests/browser/

size: wasm
	@for w in tls_lens_lite_bg tls_lens_bg; do \
	  echo "$$w.wasm: $$(stat -c %s www/pkg/$$w.wasm) bytes raw, $$(gzip -9c www/pkg/$$w.wasm | wc -c) bytes gzipped"; done

# The README's pictures (docs/img/, committed) from the browser test's screenshots
# (tests/browser/out/, written by `make test` or `make test-browser`).
screenshots:
	@for f in default-view.png default-dark-view.png l-tls13-decrypted.png s-embed-compact.png; do \
	  [ -f tests/browser/out/$$f ] || { echo "tests/browser/out/$$f is missing: run make test first"; exit 1; }; done
	mkdir -p docs/img
	cp tests/browser/out/default-view.png docs/img/default.png
	cp tests/browser/out/default-dark-view.png docs/img/default-dark.png
	cp tests/browser/out/l-tls13-decrypted.png docs/img/tls13-decrypted.png
	cp tests/browser/out/s-embed-compact.png docs/img/embed.png

clean:
	$(CARGO) clean
	rm -rf www/pkg node_modules
