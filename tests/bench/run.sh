#!/usr/bin/env bash
# TLS Lens scan benchmark: `tls-lens scan FILE` vs tshark on big captures of real TLS traffic.
#
#   sudo tests/bench/run.sh                 # 100 MB and 400 MB captures, both kinds (loopback and veth/MTU 1500)
#   sudo tests/bench/run.sh 100             # only 100 MB
#   sudo KINDS=lo tests/bench/run.sh 100    # only the loopback kind (KINDS=veth1500: only the MTU-1500 kind)
#
# Two kinds of capture, made with make-capture.py if missing (root needed only for that):
#   lo        tests/bench/out/lo-<MB>mb.pcap        on loopback (MTU 65536: segments of up to 64 KB, few packets)
#   veth1500  tests/bench/out/veth1500-<MB>mb.pcap  through a veth pair with MTU 1500 (Ethernet-sized frames)
# For each capture it reads the file once (page cache warm-up), then times each tool in its own block, like
# hyperfine: one untimed warm-up run, then RUNS timed runs back to back (best and median wall time are reported,
# with the best run's peak RSS):
#     target/release/tls-lens scan FILE > /dev/null
#     tshark -r FILE -d tcp.port==44500-44599,tls -Y tls.handshake.type==1 -T fields \
#            -e tls.handshake.extensions_server_name > /dev/null
# (-d: without it tshark gives a connection to another dissector when the client's ephemeral port is a registered
#  port, e.g. 44818 EtherNet/IP, 48898 ADS, 57000 IRC, and misses its ClientHello; TLS on 445xx is only found by
#  heuristics otherwise.) Blocks, not alternation: a run right after tshark (which leaves 300 MB of freed memory
#  and cold caches behind) is up to 2x slower for whichever small, fast process comes next.
# Then one untimed run of each whose output is kept, to check that both see the same connections with SNI.
#
# Environment: RUNS (default 5), KINDS (default "lo veth1500"), TLS_LENS (default target/release/tls-lens),
#              VERIFY (default 1; 0 skips the agreement check and its two extra runs), KEEP (1 keeps the outputs).
#              MTU=1500 / MTU=65536 (older spelling) = KINDS=veth1500 / KINDS=lo.
# Does not build anything: build target/release/tls-lens first (cargo build --release).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
B=tests/bench
RUNS=${RUNS:-5}
case $RUNS in ''|*[!0-9]*|0) echo "RUNS must be a whole number of at least 1" >&2; exit 2 ;; esac
VERIFY=${VERIFY:-1}
TL=${TLS_LENS:-target/release/tls-lens}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100 400)
case ${MTU:-} in
  "") KINDS=${KINDS:-lo veth1500} ;;
  65536) KINDS=lo ;;
  1500) KINDS=veth1500 ;;
  *) echo "MTU must be 65536 or 1500" >&2; exit 2 ;;
esac
for KIND in $KINDS; do
  case $KIND in lo|veth1500) ;; *) echo "KINDS: lo and/or veth1500, not '$KIND'" >&2; exit 2 ;; esac
done

command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install tshark)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
  echo "== /usr/bin/time missing, installing the 'time' package"
  apt-get install -y time >/dev/null
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tls-lens-bench.XXXXXX")
trap '[ "${KEEP:-0}" = 1 ] && echo "outputs kept in $WORK" || rm -rf "$WORK"' EXIT

HAVE_SCAN=0
if [ -x "$TL" ] && "$TL" scan --help >/dev/null 2>&1; then
  HAVE_SCAN=1
elif [ -x "$TL" ]; then
  echo "!! $TL exists but has no 'scan' subcommand yet (\`$TL scan --help\` fails): only the tshark half is run"
else
  echo "!! $TL not found (build it with: cargo build --release): only the tshark half is run"
fi

echo "== machine: $(nproc) cpu, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "== $(tshark --version 2>/dev/null | head -1)"
[ $HAVE_SCAN = 1 ] && echo "== $("$TL" --version 2>/dev/null || echo tls-lens) ($TL, modified $(date -r "$TL" '+%F %T'))"

# measure OUT CMD... -> sets SECS (wall, from bash's clock), RSS_KB (peak, /usr/bin/time %M), RC
measure() {
  local out=$1; shift
  local t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M %x' -o "$WORK/time" "$@" >"$out" 2>>"$WORK/stderr.log" || true
  t1=$EPOCHREALTIME
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  read -r RSS_KB RC < <(tail -1 "$WORK/time")
}

# block LABEL CMD... -> times CMD: 1 warm-up run, then RUNS runs; sets BEST, MED (seconds), BEST_RSS (KB), BLOCK_RC
block() {
  local label=$1; shift
  local r times=()
  BEST=- BEST_RSS=- BLOCK_RC=0
  measure /dev/null "$@"
  printf '   %-9s warm-up: %7.3f s  %7.1f MiB  exit %s\n' "$label" "$SECS" "$(awk -v k="$RSS_KB" 'BEGIN { print k / 1024 }')" "$RC"
  [ "$RC" = 0 ] || BLOCK_RC=$RC
  for ((r = 1; r <= RUNS; r++)); do
    measure /dev/null "$@"
    printf '   %-9s run %d:   %7.3f s  %7.1f MiB  exit %s\n' "$label" "$r" "$SECS" "$(awk -v k="$RSS_KB" 'BEGIN { print k / 1024 }')" "$RC"
    [ "$RC" = 0 ] || BLOCK_RC=$RC
    times+=("$SECS")
    if [ "$BEST" = - ] || awk -v a="$SECS" -v b="$BEST" 'BEGIN { exit !(a < b) }'; then BEST=$SECS; BEST_RSS=$RSS_KB; fi
  done
  MED=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
}

ROWS=()
for KIND in $KINDS; do
case $KIND in lo) KMTU=65536 ;; veth1500) KMTU=1500 ;; esac
for MB in "${SIZES[@]}"; do
  CAP=$B/out/$KIND-${MB}mb.pcap
  if [ ! -s "$CAP" ]; then
    echo "== making $CAP"
    python3 $B/make-capture.py --mb "$MB" --mtu "$KMTU" --out "$CAP"
  fi
  BYTES=$(stat -c %s "$CAP")
  FILE_MB=$(python3 -c "print(f'{$BYTES/1e6:.1f}')")
  CONNS=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['connections'])" "$CAP.json" 2>/dev/null || echo "?")
  PKTS=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('packets') or '?')" "$CAP.json" 2>/dev/null || echo "?")
  echo "== $CAP: $FILE_MB MB, $CONNS connections, $PKTS packets (from $CAP.json)"
  cat "$CAP" >/dev/null   # warm-up: both tools then read from the page cache

  TS_CMD=(tshark -r "$CAP" -d tcp.port==44500-44599,tls -Y tls.handshake.type==1 -T fields -e tls.handshake.extensions_server_name)
  SC_CMD=("$TL" scan "$CAP")
  TL_S=- TL_MED=- TL_RSS=- TL_RC=0
  if [ $HAVE_SCAN = 1 ]; then
    block tls-lens "${SC_CMD[@]}"
    TL_S=$BEST TL_MED=$MED TL_RSS=$BEST_RSS TL_RC=$BLOCK_RC
  fi
  block tshark "${TS_CMD[@]}"
  TS_S=$BEST TS_MED=$MED TS_RSS=$BEST_RSS TS_RC=$BLOCK_RC

  if [ "$VERIFY" = 1 ]; then
    # untimed: same tshark filter plus tcp.stream (so a HelloRetryRequest's 2nd ClientHello is not counted twice)
    tshark -r "$CAP" -d tcp.port==44500-44599,tls -Y tls.handshake.type==1 -T fields -e tcp.stream -e tls.handshake.extensions_server_name \
      >"$WORK/tshark-$KIND-$MB.tsv" 2>>"$WORK/stderr.log"
    [ $HAVE_SCAN = 1 ] && { "$TL" scan "$CAP" >"$WORK/scan-$KIND-$MB.jsonl" 2>>"$WORK/stderr.log" || echo "   tls-lens scan exit $?"; }
    python3 - "$WORK/tshark-$KIND-$MB.tsv" "$WORK/scan-$KIND-$MB.jsonl" "$CAP.json" "$HAVE_SCAN" <<'PY'
import json, sys
tsv, scan, man, have = sys.argv[1:5]
hellos = with_sni = 0
streams_sni = set()
for line in open(tsv):
    f = line.rstrip("\n").split("\t")
    hellos += 1
    if len(f) > 1 and f[1]:
        with_sni += 1
        streams_sni.add(f[0])
try:
    m = json.load(open(man)); gen = m["connections"] - m["clients"].get("no_sni", 0) - m.get("errors", 0)
except Exception:
    gen = "?"
print(f"   tshark:   {hellos} ClientHello frames, {with_sni} with SNI, in {len(streams_sni)} TCP streams "
      f"(generator: {gen} connections made with SNI)")
if have == "1":
    lines = sni = bad = 0
    for line in open(scan):
        if not line.strip():
            continue
        lines += 1
        try:
            o = json.loads(line)
        except ValueError:
            bad += 1
            continue
        s = (o.get("summary") or {}).get("sni") if isinstance(o, dict) else None
        if s:
            sni += 1
    print(f"   tls-lens: {lines} lines ({bad} not JSON), {sni} with summary.sni")
    print("   agreement: " + ("OK" if sni == len(streams_sni) else
                              f"DIFFERENT (tshark {len(streams_sni)} streams with SNI vs tls-lens {sni})"))
PY
  fi

  row=$(python3 - "$KIND" "$FILE_MB" "$CONNS" "$PKTS" "$TL_S" "$TL_MED" "$TL_RSS" "$TL_RC" "$TS_S" "$TS_MED" "$TS_RSS" "$TS_RC" <<'PY'
import sys
kind, mb, conns, pkts, tls, tmed, trss, trc, tss, smed, srss, src = sys.argv[1:13]
mb = float(mb)
def cols(s, med, rss, rc):
    if s == "-":
        return ["n/a"] * 4
    s = float(s)
    return [f"{s:.3f}" + ("" if rc == "0" else "!"), med, f"{mb / s:.0f}", f"{int(rss) / 1024:.0f}"]
a, b = cols(tls, tmed, trss, trc), cols(tss, smed, srss, src)
ratio = f"{float(tss) / float(tls):.1f}x" if tls != "-" and tss != "-" else "n/a"
mratio = f"{float(smed) / float(tmed):.1f}x" if tmed != "-" and smed != "-" else "n/a"
print("\t".join([kind, f"{mb:.1f}", conns, pkts] + a + b + [ratio, mratio]))
PY
)
  ROWS+=("$row")
done
done

echo
echo "each tool: 1 warm-up run, then $RUNS runs back to back; best (with its peak RSS) and median wall seconds;"
echo "MB = 10^6 bytes of pcap file; RSS = peak resident set (MiB); '!' = non-zero exit; ratio = tshark / tls-lens"
{
  printf 'capture\tsize_MB\tconns\tpackets\ttls-lens_best\tmedian\tMB/s\tRSS_MiB\ttshark_best\tmedian\tMB/s\tRSS_MiB\tratio_best\tratio_median\n'
  printf '%s\n' "${ROWS[@]}"
} | column -t -s $'\t'
