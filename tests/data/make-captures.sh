#!/usr/bin/env bash
# Recreates the TLS Lens test captures in this directory (tests/data/).
#
#   sudo ./make-captures.sh            # re-capture with the existing certs/ (keeps cert fingerprints stable)
#   sudo REGEN_CERTS=1 ./make-captures.sh   # also make a new CA + server key/cert
#   sudo ONLY="tls13-ccm tls12-ccm8" SKIP_EXPECTED=1 ./make-captures.sh   # only those captures
#
# Needs: root (tcpdump on lo), openssl 3.x, curl built with OpenSSL + nghttp2, tcpdump, tshark, python3.
# All traffic is on 127.0.0.1 only. Ports are fixed (44301..44305).
# After capturing it runs make-expected.py, which writes NAME.hex / NAME.full.hex / NAME.expected.json
# (and tls12-ecdhe-rsa.sample.hex) from tshark's dissection only, and self-checks them.
set -euo pipefail
cd "$(dirname "$0")"
D=$PWD
C=$D/certs
HOST=tls-lens.example
LOG=${TMPDIR:-/tmp}/tls-lens-capture-logs   # s_server / client / tcpdump output, for debugging
mkdir -p "$C" "$LOG"

# ---------------------------------------------------------------- certificates
if [ ! -s "$C/server.pem" ] || [ "${REGEN_CERTS:-0}" = 1 ]; then
  echo "== generating CA + server certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$C/ca.key" -out "$C/ca.pem" -subj "/CN=TLS Lens Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -sha256 \
    -keyout "$C/server.key" -out "$C/server.csr" -subj "/CN=$HOST" 2>/dev/null
  cat > "$C/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$HOST
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
  openssl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -sha256 \
    -extfile "$C/server.ext" -out "$C/server.pem" 2>/dev/null
  rm -f "$C/server.csr"
fi
openssl verify -CAfile "$C/ca.pem" "$C/server.pem"

# ---------------------------------------------------------------- helpers
want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }
TCPDUMP_PID= ; SERVER_PID=
start_capture() {  # NAME PORT [FILTER]
  rm -f "$D/$1.pcap"
  local filter=${3:-tcp port $2}
  if command -v tcpdump >/dev/null; then
    tcpdump -i lo -Z root -U -w "$D/$1.pcap" "$filter" >"$LOG/$1.tcpdump.log" 2>&1 &
  else  # Wireshark's capture engine, writing pcap as tcpdump does
    dumpcap -q -i lo -f "$filter" -P -w "$D/$1.pcap" >"$LOG/$1.tcpdump.log" 2>&1 &
  fi
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
start_server() {  # NAME PORT extra-args...
  local name=$1 port=$2; shift 2
  openssl s_server -accept "127.0.0.1:$port" -naccept 1 \
    -cert "$C/server.pem" -key "$C/server.key" -cert_chain "$C/ca.pem" \
    -www "$@" </dev/null >"$LOG/$name.server.log" 2>&1 &
  SERVER_PID=$!
  sleep 1
}
curl_client() {  # NAME PORT curl-args...
  local name=$1 port=$2; shift 2
  rm -f "$D/$name.keylog"
  SSLKEYLOGFILE="$D/$name.keylog" curl -sk --http2 --max-time 3 "$@" \
    --resolve "$HOST:$port:127.0.0.1" "https://$HOST:$port/" -o /dev/null \
    -w 'http_version=%{http_version} rc=%{response_code}\n' >"$LOG/$name.client.log" 2>&1 \
    || echo "curl exit $?" >>"$LOG/$name.client.log"
}
sclient() {  # NAME PORT s_client-args...
  local name=$1 port=$2; shift 2
  rm -f "$D/$name.keylog"
  openssl s_client -connect "127.0.0.1:$port" -servername "$HOST" \
    -keylogfile "$D/$name.keylog" "$@" </dev/null >"$LOG/$name.client.log" 2>&1 \
    || echo "s_client exit $?" >>"$LOG/$name.client.log"
}

# ---------------------------------------------------------------- 1. TLS 1.2 ECDHE-RSA (curl, ALPN h2)
N=tls12-ecdhe-rsa; P=44301
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -alpn h2,http/1.1 -no_ticket
curl_client $N $P --tls-max 1.2 --tlsv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256
stop_capture
fi

# ---------------------------------------------------------------- 2. TLS 1.2 static RSA (curl)
N=tls12-rsa; P=44302
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_2 -cipher AES128-GCM-SHA256 -alpn h2,http/1.1 -no_ticket
curl_client $N $P --tls-max 1.2 --tlsv1.2 --ciphers AES128-GCM-SHA256
stop_capture
fi

# ---------------------------------------------------------------- 3. TLS 1.3 (curl, defaults)
N=tls13; P=44303
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -alpn h2,http/1.1
curl_client $N $P --tlsv1.3
stop_capture
fi

# ---------------------------------------------------------------- 4. TLS 1.2 DHE-RSA (s_client)
N=tls12-dhe-rsa; P=44304
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 -no_ticket
sclient $N $P -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
stop_capture
fi

# ---------------------------------------------------------------- 5. TLS 1.3 HelloRetryRequest (s_client)
N=tls13-hrr; P=44305
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -groups P-256
sclient $N $P -groups X25519:P-256
stop_capture
fi

# ---------------------------------------------------------------- 6. TLS 1.3 AES-128-CCM (curl)
N=tls13-ccm; P=44306
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -ciphersuites TLS_AES_128_CCM_SHA256 -alpn http/1.1
curl_client $N $P --tlsv1.3 --tls13-ciphers TLS_AES_128_CCM_SHA256
stop_capture
fi

# ---------------------------------------------------------------- 7. TLS 1.3 AES-128-CCM-8 (s_client)
N=tls13-ccm8; P=44307
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -ciphersuites TLS_AES_128_CCM_8_SHA256
sclient $N $P -ciphersuites TLS_AES_128_CCM_8_SHA256
stop_capture
fi

# ---------------------------------------------------------------- 8. TLS 1.2 RSA AES-128-CCM-8 and DHE-RSA AES-256-CCM (curl)
N=tls12-ccm8; P=44308
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_2 -cipher AES128-CCM8 -no_ticket
curl_client $N $P --tls-max 1.2 --tlsv1.2 --ciphers AES128-CCM8
stop_capture
fi
N=tls12-dhe-ccm; P=44309
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_2 -cipher DHE-RSA-AES256-CCM -no_ticket
curl_client $N $P --tls-max 1.2 --tlsv1.2 --ciphers DHE-RSA-AES256-CCM
stop_capture
fi

# ---------------------------------------------------------------- 9. a failed handshake (client TLS 1.2 only, server TLS 1.3 only)
N=tls-failed; P=44310
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -tls1_3
sclient $N $P -tls1_2
stop_capture
fi

# ---------------------------------------------------------------- 10. a browser: headless Chromium (GREASE, ECH GREASE, X25519MLKEM768)
N=chromium; P=44311
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -alpn h2,http/1.1
rm -f "$D/$N.keylog"
SSLKEYLOGFILE="$D/$N.keylog" timeout 20 chromium --headless=new --no-sandbox --disable-gpu --ignore-certificate-errors \
  --host-resolver-rules="MAP $HOST 127.0.0.1" --user-data-dir="$(mktemp -d)" --dump-dom "https://$HOST:$P/" \
  >"$LOG/$N.client.log" 2>&1 || echo "chromium exit $?" >>"$LOG/$N.client.log"
stop_capture
fi

# ---------------------------------------------------------------- 11. less common extensions: a server that asks
# for a client certificate naming its CA (certificate_authorities, TLS 1.3, encrypted: key log) after a
# HelloRetryRequest (P-256 only), and max_fragment_length from the client (echoed in EncryptedExtensions)
N=tls13-exts; P=44312
if want $N; then echo "== $N"
start_capture $N $P
start_server $N $P -groups P-256 -verify 1 -CAfile "$C/ca.pem"
sclient $N $P -maxfraglen 512
stop_capture
fi

# ---------------------------------------------------------------- 12. DTLS 1.2 (s_server/s_client -dtls1_2 over UDP), with a
# key log: an AEAD suite (ECDHE-RSA-AES256-GCM-SHA384) and a CBC one (ECDHE-RSA-AES128-SHA256, encrypt_then_mac),
# each with a line of application data each way
for N in dtls12 dtls12-cbc; do
P=44320; CIPHER=ECDHE-RSA-AES256-GCM-SHA384
[ "$N" = dtls12-cbc ] && { P=44321; CIPHER=ECDHE-RSA-AES128-SHA256; }
if want $N; then echo "== $N"
start_capture $N $P "udp port $P"
{ sleep 2; printf 'hello from the server\n'; sleep 2; } | openssl s_server -dtls1_2 -accept "127.0.0.1:$P" -naccept 1 \
  -cert "$C/server.pem" -key "$C/server.key" -cert_chain "$C/ca.pem" -cipher "$CIPHER" >"$LOG/$N.server.log" 2>&1 &
SERVER_PID=$!
sleep 1
rm -f "$D/$N.keylog"
{ sleep 1; printf 'hello from the client\n'; sleep 2; } | openssl s_client -dtls1_2 -connect "127.0.0.1:$P" -servername "$HOST" \
  -cipher "$CIPHER" -keylogfile "$D/$N.keylog" >"$LOG/$N.client.log" 2>&1 || true
stop_capture
fi
done

# ---------------------------------------------------------------- oracle + hex files
[ "${SKIP_EXPECTED:-0}" = 1 ] || python3 "$D/make-expected.py"
