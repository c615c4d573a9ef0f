#!/usr/bin/env bash
# Recreates the MTU-1280 captures in tests/data/mtu1280/: TLS handshakes whose server Certificate
# message spans several TCP segments, from several TLS stacks (GnuTLS, Python ssl/OpenSSL, OpenSSL+curl).
#
#   sudo tests/data/mtu1280/make.sh            # all captures, then make-expected.py
#   sudo tests/data/mtu1280/make.sh gnutls-tls13 python-tls12   # only some
#
# Needs root (network namespaces, tcpdump), iproute2, ethtool, tcpdump, tshark, gnutls-bin, openssl, curl, python3.
# Traffic only flows inside two network namespaces made here and removed at the end:
#   tlc (client) 10.99.0.1/24 veth-c  <==== veth pair, mtu 1280 both ends ====>  veth-s 10.99.0.2/24 (server) tls
# tcpdump runs inside the server namespace on veth-s. TSO/GSO/GRO and tx checksum offload are off on
# both ends, so each frame in the pcap is a real <= 1280-byte IP packet with a correct checksum.
set -euo pipefail
cd "$(dirname "$0")"
D=$PWD
C=$(cd ../certs && pwd)
HOST=tls-lens.example
CNS=tlc; SNS=tls; CIP=10.99.0.1; SIP=10.99.0.2; PORT=4433
LOG=${TMPDIR:-/tmp}/tls-lens-mtu1280-logs
WORK=$(mktemp -d)
ONLY=("$@")            # optional capture names
mkdir -p "$LOG"
cat "$C/server.pem" "$C/ca.pem" > "$WORK/chain.pem"      # leaf + CA -> 2 certificates on the wire
openssl verify -CAfile "$C/ca.pem" "$C/server.pem"

TCPDUMP_PID= ; SERVER_PID=
cleanup() {
  [ -n "$TCPDUMP_PID" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  ip netns del "$CNS" 2>/dev/null || true
  ip netns del "$SNS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- namespaces + veth (mtu 1280)
ip netns del "$CNS" 2>/dev/null || true
ip netns del "$SNS" 2>/dev/null || true
ip netns add "$CNS"
ip netns add "$SNS"
ip link add veth-c netns "$CNS" mtu 1280 type veth peer name veth-s netns "$SNS" mtu 1280
ip -n "$CNS" addr add "$CIP/24" dev veth-c
ip -n "$SNS" addr add "$SIP/24" dev veth-s
for ns_dev in "$CNS veth-c" "$SNS veth-s"; do
  set -- $ns_dev
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null
  ip netns exec "$1" ethtool -k "$2" | grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):' \
    | sed "s/^/  $1 $2: /"
  ip -n "$1" link show "$2" | head -1 | sed "s/^/  /"
done
for ns_dev in "$CNS veth-c" "$SNS veth-s"; do   # both ends must really have mtu 1280
  set -- $ns_dev
  [ "$(ip -n "$1" -o link show "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" = 1280 ] || { echo "mtu != 1280 on $2" >&2; exit 1; }
done
ip link show | grep -q veth- && { echo "veth leaked into the root namespace" >&2; exit 1; }

# ---------------------------------------------------------------- helpers
C_NS() { ip netns exec "$CNS" "$@"; }
S_NS() { ip netns exec "$SNS" "$@"; }
start_capture() {  # NAME
  rm -f "$D/$1.pcap" "$D/$1.keylog"
  ip netns exec "$SNS" tcpdump -i veth-s -Z root -U -w "$D/$1.pcap" "tcp port $PORT" >"$LOG/$1.tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  sleep 1
}
wait_listen() {
  for _ in $(seq 50); do
    S_NS ss -Hltn "sport = :$PORT" | grep -q . && return 0
    sleep 0.1
  done
  echo "server did not listen on $PORT" >&2; return 1
}
start_server() {  # NAME cmd...
  local name=$1; shift
  ip netns exec "$SNS" "$@" </dev/null >"$LOG/$name.server.log" 2>&1 &
  SERVER_PID=$!
  wait_listen
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
sel() {  # is capture NAME selected on the command line (or none given)?
  [ ${#ONLY[@]} -eq 0 ] && return 0
  local n; for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1
}

GNUTLS_SERV=(gnutls-serv --port "$PORT" --x509certfile "$WORK/chain.pem" --x509keyfile "$C/server.key"
             --alpn h2 --alpn http/1.1 --echo --disable-client-cert)
gnutls_client() {  # NAME extra-args...
  local name=$1; shift
  ( printf 'ping\n'; sleep 1 ) | C_NS env SSLKEYLOGFILE="$D/$name.keylog" \
    gnutls-cli --port "$PORT" --sni-hostname "$HOST" --verify-hostname "$HOST" --x509cafile "$C/ca.pem" \
    --alpn h2 "$@" "$SIP" >"$LOG/$name.client.log" 2>&1 || echo "gnutls-cli exit $?" >>"$LOG/$name.client.log"
}

# ---------------------------------------------------------------- 1. GnuTLS TLS 1.3 (defaults)
N=gnutls-tls13
if sel $N; then echo "== $N"
  start_capture $N
  start_server $N "${GNUTLS_SERV[@]}"
  gnutls_client $N
  stop_capture
fi

# ---------------------------------------------------------------- 2. GnuTLS TLS 1.2 ECDHE-RSA AES-GCM
N=gnutls-tls12
if sel $N; then echo "== $N"
  start_capture $N
  start_server $N "${GNUTLS_SERV[@]}"
  gnutls_client $N --priority NORMAL:-VERS-ALL:+VERS-TLS1.2
  stop_capture
fi

# ---------------------------------------------------------------- 3. Python ssl TLS 1.3
N=python-tls13
if sel $N; then echo "== $N"
  start_capture $N
  start_server $N python3 -u "$D/pypeer.py" server "$SIP" "$PORT" "$WORK/chain.pem" "$C/server.key"
  C_NS python3 -u "$D/pypeer.py" client "$SIP" "$PORT" "$C/ca.pem" "$D/$N.keylog" >"$LOG/$N.client.log" 2>&1
  stop_capture
fi

# ---------------------------------------------------------------- 4. Python ssl, server capped at TLS 1.2
N=python-tls12
if sel $N; then echo "== $N"
  start_capture $N
  start_server $N python3 -u "$D/pypeer.py" server "$SIP" "$PORT" "$WORK/chain.pem" "$C/server.key" max12
  C_NS python3 -u "$D/pypeer.py" client "$SIP" "$PORT" "$C/ca.pem" "$D/$N.keylog" >"$LOG/$N.client.log" 2>&1
  stop_capture
fi

# ---------------------------------------------------------------- 5. openssl s_server TLS 1.2 + curl
N=openssl-tls12-mtu
if sel $N; then echo "== $N"
  start_capture $N
  start_server $N openssl s_server -accept "$SIP:$PORT" -naccept 1 \
    -cert "$C/server.pem" -key "$C/server.key" -cert_chain "$C/ca.pem" -www \
    -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -alpn h2,http/1.1 -no_ticket
  C_NS env SSLKEYLOGFILE="$D/$N.keylog" curl -sk --http2 --max-time 3 --tls-max 1.2 --tlsv1.2 \
    --ciphers ECDHE-RSA-AES128-GCM-SHA256 --resolve "$HOST:$PORT:$SIP" "https://$HOST:$PORT/" -o /dev/null \
    -w 'http_version=%{http_version} rc=%{response_code}\n' >"$LOG/$N.client.log" 2>&1 \
    || echo "curl exit $?" >>"$LOG/$N.client.log"
  stop_capture
fi

for f in "$LOG"/*.client.log; do echo "--- $f"; cat "$f"; done
# ---------------------------------------------------------------- oracle
[ "${SKIP_EXPECTED:-0}" = 1 ] || python3 "$D/make-expected.py" "${ONLY[@]}"
