#!/usr/bin/env bash
# Recreates the tool-log test data in this directory (tests/data/logs/):
# real `openssl s_client -msg` / `-debug` / `-msg -debug` output and real
# `curl --trace` / `--trace-ascii` files, each with a pcap of the same connection
# and an NSS key log, so that the logs can be cross-checked against the wire.
#
#   sudo tests/data/logs/make-logs.sh
#
# Needs: root (tcpdump on lo), openssl 3.x, curl built with OpenSSL, coreutils
# stdbuf, tcpdump, tshark, python3. Uses the test certificates in ../certs/
# (CN/SAN tls-lens.example); it never creates new ones.
# All traffic is on 127.0.0.1 only. Ports are fixed: 44401..44410 (one per log).
#
# For every NAME it writes
#   NAME.txt     the tool's log (s_client: its stdout+stderr as a terminal would show
#                it; curl: the --trace / --trace-ascii file)
#   NAME.pcap    tcpdump of the connection (lo, Ethernet link type, 'tcp port PORT')
#   NAME.keylog  NSS key log (s_client -keylogfile / curl SSLKEYLOGFILE)
# and finally runs make-expected.py (NAME.expected.json, from tshark only) and
# check-logs.py (cross-checks every log against the pcap; exits non-zero on a mismatch).
# SKIP_EXPECTED=1 skips those two steps.
set -euo pipefail
cd "$(dirname "$0")"
D=$PWD
C=$(cd "$D/../certs" && pwd)
HOST=tls-lens.example
LOG=${TMPDIR:-/tmp}/tls-lens-log-capture     # s_server / tcpdump / curl stderr, for debugging
mkdir -p "$LOG"
[ -s "$C/server.pem" ] || { echo "missing $C/server.pem (run ../make-captures.sh first)" >&2; exit 1; }

# The HTTP request s_client sends (s_server -www answers any GET with a status page).
REQUEST=$'GET / HTTP/1.0\r\n\r\n'

# ---------------------------------------------------------------- helpers
TCPDUMP_PID= ; SERVER_PID=
cleanup() {   # only the processes this script started
  [ -z "$TCPDUMP_PID" ] || kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_capture() {  # NAME PORT
  rm -f "$D/$1.pcap"
  tcpdump -i lo -Z root -U -w "$D/$1.pcap" "tcp port $2" >"$LOG/$1.tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  sleep 1
}
stop_capture() {
  sleep 1
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
# s_server answering one connection with -www (an HTTP/1.0 status page), no ALPN.
start_server() {  # NAME PORT extra-args...
  local name=$1 port=$2; shift 2
  openssl s_server -accept "127.0.0.1:$port" -naccept 1 \
    -cert "$C/server.pem" -key "$C/server.key" -cert_chain "$C/ca.pem" \
    -www "$@" </dev/null >"$LOG/$name.server.log" 2>&1 &
  SERVER_PID=$!
  sleep 1
}
# s_client: sends REQUEST on stdin; -ign_eof keeps it reading after stdin's EOF until the
# server closes (s_server -www closes after the response), so it exits by itself.
# stdbuf -o0 -e0 makes stdout unbuffered, so stdout and stderr ("depth=… verify return:1")
# interleave in the file exactly as on a terminal.
# UNBUFFERED=0 leaves stdio alone (stdout block-buffered into the file): used once on purpose,
# to show what a plain `s_client ... >log 2>&1` file looks like (see FORMATS.md).
sclient() {  # NAME PORT s_client-args...
  local name=$1 port=$2; shift 2
  local buf=(stdbuf -o0 -e0)
  [ "${UNBUFFERED:-1}" = 1 ] || buf=()
  rm -f "$D/$name.keylog"
  printf '%s' "$REQUEST" | timeout 20 "${buf[@]}" openssl s_client \
    -connect "127.0.0.1:$port" -servername "$HOST" -CAfile "$C/ca.pem" \
    -keylogfile "$D/$name.keylog" -ign_eof "$@" >"$D/$name.txt" 2>&1 \
    || echo "s_client exit $?" >>"$LOG/$name.client.log"
}
# curl: TRACEOPT is --trace or --trace-ascii; the trace goes to NAME.txt, the body to /dev/null.
curl_client() {  # NAME PORT TRACEOPT
  local name=$1 port=$2 traceopt=$3
  rm -f "$D/$name.keylog" "$D/$name.txt"
  SSLKEYLOGFILE="$D/$name.keylog" timeout 20 curl -sS --max-time 10 "$traceopt" "$D/$name.txt" \
    --cacert "$C/ca.pem" --resolve "$HOST:$port:127.0.0.1" "https://$HOST:$port/" \
    -o /dev/null -w 'http_version=%{http_version} rc=%{response_code}\n' \
    >"$LOG/$name.client.log" 2>&1 || echo "curl exit $?" >>"$LOG/$name.client.log"
}

TLS12=(-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256)   # server options for the TLS 1.2 runs
# TLS 1.3 runs: -cipher only trims the TLS 1.2 suite list that the -www status page prints
# (keeps the response, and so the logs, short); it has no effect on a TLS 1.3 handshake.
TLS13=(-tls1_3 -cipher ECDHE-RSA-AES128-GCM-SHA256)

# A busy machine can make even loopback TCP retransmit a segment; make-expected.py refuses such
# captures (tshark would see a duplicate), so every run is repeated (up to 3 times) until its
# pcap is clean.
clean_pcap() {  # NAME
  [ -z "$(tshark -r "$D/$1.pcap" -T fields -e frame.number -Y \
      'tcp.analysis.retransmission || tcp.analysis.out_of_order || tcp.analysis.lost_segment' 2>/dev/null)" ]
}
with_retries() {  # NAME command...
  local name=$1 try; shift
  for try in 1 2 3; do
    "$@"
    if clean_pcap "$name"; then return 0; fi
    echo "   $name: TCP retransmission in the capture, again ($try)"
  done
  echo "$name: no clean capture after 3 tries" >&2; return 1
}

once_sclient() {  # NAME PORT 12|13 s_client-args...
  local name=$1 port=$2 srv=$3; shift 3
  echo "== $name (port $port)"
  start_capture "$name" "$port"
  if [ "$srv" = 12 ]; then start_server "$name" "$port" "${TLS12[@]}"; else start_server "$name" "$port" "${TLS13[@]}"; fi
  sclient "$name" "$port" "$@"
  stop_capture
}
once_curl() {  # NAME PORT 12|13 TRACEOPT
  local name=$1 port=$2 srv=$3 traceopt=$4
  echo "== $name (port $port)"
  start_capture "$name" "$port"
  if [ "$srv" = 12 ]; then start_server "$name" "$port" "${TLS12[@]}"; else start_server "$name" "$port" "${TLS13[@]}"; fi
  curl_client "$name" "$port" "$traceopt"
  stop_capture
}
run_sclient() { with_retries "$1" once_sclient "$@"; }
run_curl()    { with_retries "$1" once_curl "$@"; }

# ---------------------------------------------------------------- the runs
# The clients are not restricted: they offer TLS 1.2 and 1.3; the server decides.
run_sclient openssl-msg-tls12        44401 12 -msg
run_sclient openssl-msg-tls13        44402 13 -msg
run_sclient openssl-debug-tls12      44403 12 -debug
run_sclient openssl-debug-tls13      44404 13 -debug
run_sclient openssl-msg-debug-tls13  44405 13 -msg -debug
run_curl    curl-trace-tls12         44406 12 --trace
run_curl    curl-trace-tls13         44407 13 --trace
run_curl    curl-trace-ascii-tls12   44408 12 --trace-ascii
run_curl    curl-trace-ascii-tls13   44409 13 --trace-ascii
# the same as openssl-debug-tls13 but WITHOUT stdbuf: stderr and the raw response land in
# the middle of hex dump lines (a realistic, damaged log)
UNBUFFERED=0 run_sclient openssl-debug-tls13-unbuffered 44410 13 -debug

# ---------------------------------------------------------------- oracle + self-check
# make-expected.py: NAME.expected.json from tshark only (never reads the logs).
# check-logs.py: reads the logs with a small reference reader and compares them with tshark
# (TCP payload, decrypted messages); it backs the claims in FORMATS.md.
if [ "${SKIP_EXPECTED:-0}" != 1 ]; then
  python3 "$D/make-expected.py"
  python3 "$D/check-logs.py" | tee "$D/check-logs.out"
fi
