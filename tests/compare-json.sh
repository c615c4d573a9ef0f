#!/usr/bin/env bash
# Compare what two builds of tls-lens say about every input in tests/data: `explain --json` in
# English and Chinese, with and without the input's key log (NAME.keylog beside it), and `scan`'s
# lines. Used to show that a refactoring changes no output (issue 17), or to list what it does
# change.
#
#   tests/compare-json.sh REV [NEW_BINARY]
#
# REV is built in a git worktree under $TMPDIR (its own target directory, so the two builds do
# not share one); NEW_BINARY defaults to ./target/debug/tls-lens (built first when missing).
# Prints one line per differing output and a count; exits 1 when anything differs.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: tests/compare-json.sh REV [NEW_BINARY]}
new=${2:-./target/debug/tls-lens}
[ -x "$new" ] || cargo build --quiet
tmp=${TMPDIR:-/tmp}/tls-lens-compare
base="$tmp/base"
if [ ! -d "$base" ]; then
  git worktree add --detach "$base" "$rev" >/dev/null
else
  git -C "$base" checkout --quiet --detach "$rev"
fi
(cd "$base" && cargo build --quiet --bin tls-lens)
old="$base/target/debug/tls-lens"
out="$tmp/out"
rm -rf "$out" && mkdir -p "$out/old" "$out/new"

# Every input file under tests/data (not key logs, expectations, scripts or docs).
mapfile -t inputs < <(find tests/data -type f \
  ! -name '*.keylog' ! -name '*.json' ! -name '*.md' ! -name '*.sh' ! -name '*.py' ! -name '*.tsv' \
  ! -name '*.pem' ! -name '*.key' ! -name '*.crt' ! -name '*.csr' ! -name '*.cnf' ! -name 'versions.txt' | sort)

differ=0
total=0
run() { # run BIN OUTFILE ARGS...
  local bin=$1 file=$2
  shift 2
  timeout 120 "$bin" "$@" >"$file" 2>/dev/null || true
}
for f in "${inputs[@]}"; do
  id=${f//\//_}
  keylog=${f%.*}.keylog
  variants=("en" "zh")
  [ -f "$keylog" ] && variants+=("en-keys" "zh-keys")
  for v in "${variants[@]}"; do
    args=(explain --json --lang "${v%%-*}")
    [ "$v" != "${v%-keys}" ] && args+=(--keylog "$keylog")
    run "$old" "$out/old/$id.$v.json" "${args[@]}" "$f"
    run "$new" "$out/new/$id.$v.json" "${args[@]}" "$f"
    total=$((total + 1))
    if ! cmp -s "$out/old/$id.$v.json" "$out/new/$id.$v.json"; then
      echo "differs: explain $v $f"
      differ=$((differ + 1))
    fi
  done
  case "$f" in
    *.pcap | *.pcapng)
      run "$old" "$out/old/$id.scan" scan --all "$f"
      run "$new" "$out/new/$id.scan" scan --all "$f"
      total=$((total + 1))
      # Lines come in the order connections end (threads): compare them sorted.
      if ! cmp -s <(sort "$out/old/$id.scan") <(sort "$out/new/$id.scan"); then
        echo "differs: scan $f"
        differ=$((differ + 1))
      fi
      ;;
  esac
done
echo "$differ of $total outputs differ (old: $rev, new: $new); both kept in $out"
[ "$differ" -eq 0 ]
