#!/usr/bin/env bash
# Recreates the "handshake kinds" captures in this directory (tests/data/kinds/): resumption (TLS 1.3 PSK with
# and without (EC)DHE, TLS 1.2 ticket / session ID), 0-RTT accepted / rejected, EtM / no EtM, no EMS, mTLS,
# TLS 1.0, TLS 1.2 chosen by a TLS 1.3 client, GnuTLS <-> GnuTLS TLS 1.3, Python ssl, HRR with a cookie.
#
#   sudo ./make-kinds.sh                        # everything
#   sudo ONLY="tls13-0rtt tls12-etm" ./make-kinds.sh   # only those captures
#   SKIP_FACTS=1 ...                            # do not run facts-from-tshark.py afterwards
#
# For each NAME it writes NAME.pcap (tcpdump on lo, one TCP port) and NAME.keylog (SSLKEYLOGFILE format, the
# client's secrets for every connection in the pcap), and records the exact commands in commands.tsv.
# Resumption kinds hold two TCP connections: the full handshake first, then the resumed one.
#
# Needs: root (tcpdump on lo), openssl 3.0.x, curl (OpenSSL), gnutls-bin (gnutls-cli, gnutls-serv), python3,
# tcpdump, tshark. Client traffic goes to 127.0.0.1 only, ports 44501..44521. (gnutls-serv has no bind-address
# option, so it listens on the wildcard address for the few seconds it runs.)
# The server key/cert are the ones in ../certs (same as make-captures.sh); the mTLS client key/cert are in
# certs/ here (made from ../certs/ca.key if missing). All keys are test keys, not secret.
set -euo pipefail
cd "$(dirname "$0")"
D=$PWD
C=$(cd "$D/../certs" && pwd)
K=$D/certs
HOST=tls-lens.example
LOG=${TMPDIR:-/tmp}/tls-lens-kinds-logs   # server / client / tcpdump output, for debugging
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tls-lens-kinds.XXXXXX")   # web root, saved sessions, fifo
mkdir -p "$K" "$LOG"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- client certificate (mTLS)
if [ ! -s "$K/client.pem" ]; then
  echo "== generating client key + certificate (signed by ../certs/ca.key)"
  openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$K/client.key" -out "$WORK/client.csr" \
    -subj "/CN=TLS Lens Test Client" 2>/dev/null
  cat > "$K/client.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
  openssl x509 -req -in "$WORK/client.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -sha256 -extfile "$K/client.ext" -out "$K/client.pem" 2>/dev/null
fi
openssl verify -CAfile "$C/ca.pem" "$K/client.pem"

# ---------------------------------------------------------------- scratch files
WWW=$WORK/www; mkdir -p "$WWW"
printf 'hello from tls-lens\n' > "$WWW/hello.txt"          # served by s_server -WWW as /hello.txt
REQ='GET /hello.txt HTTP/1.0\r\n\r\n'
printf "$REQ" > "$WORK/early.txt"                          # 0-RTT payload (27 bytes)
cat "$C/server.pem" "$C/ca.pem" > "$WORK/chain.pem"        # gnutls-serv: leaf + CA, like s_server -cert_chain
cat > "$WORK/noems.cnf" <<'CNF'
# OpenSSL 3.0's s_client has no -no_ems; SSL_OP_NO_EXTENDED_MASTER_SECRET is reachable through SSL_CONF.
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
Options = -ExtendedMasterSecret
CNF
mkfifo "$WORK/stdin"; exec 9<>"$WORK/stdin"                # s_server stdin that never reaches EOF

# ---------------------------------------------------------------- helpers
want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }
CMDS=$WORK/commands.tsv; : > "$CMDS"
MADE=()
rec() {  # NAME ROLE RAW-PREFIX words...   (commands.tsv: paths shown relative to tests/data/kinds)
  local name=$1 role=$2 prefix=$3; shift 3
  local line=$prefix
  if [ $# -gt 0 ]; then line+=$(printf ' %q' "$@"); fi
  line=${line//"$WORK/www"/www}; line=${line//"$WORK/"/\$TMP/}; line=${line//"$C/"/../certs/}
  line=${line//"$K/"/certs/}; line=${line//"$D/"/}
  printf '%s\t%s\t%s\n' "$name" "$role" "${line# }" >> "$CMDS"
}
TCPDUMP_PID= ; SERVER_PID=
start_capture() {  # NAME PORT
  rm -f "$D/$1.pcap" "$D/$1.keylog"
  rec "$1" capture "tcpdump -i lo -Z root -U -w $1.pcap 'tcp port $2'"
  tcpdump -i lo -Z root -U -w "$D/$1.pcap" "tcp port $2" >"$LOG/$1.tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  sleep 1
}
stop_capture() {  # NAME
  sleep 1
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  MADE+=("$1")
}
sserver() {  # NAME PORT extra-args...   openssl s_server (cwd = web root for -WWW; stdin never at EOF)
  local name=$1 port=$2; shift 2
  local args=(openssl s_server -accept "127.0.0.1:$port"
    -cert "$C/server.pem" -key "$C/server.key" -cert_chain "$C/ca.pem" "$@")
  rec "$name" server "" "${args[@]}"
  (cd "$WWW" && exec "${args[@]}" <&9 >"$LOG/$name.server.log" 2>&1) &
  SERVER_PID=$!
  sleep 1
}
gserver() {  # NAME PORT extra-args...   gnutls-serv
  local name=$1 port=$2; shift 2
  local args=(gnutls-serv -p "$port" --x509certfile "$WORK/chain.pem" --x509keyfile "$C/server.key" "$@")
  rec "$name" server "" "${args[@]}"
  "${args[@]}" </dev/null >"$LOG/$name.server.log" 2>&1 &
  SERVER_PID=$!
  sleep 1.5
}
# STDIN modes for the clients: req = send "GET /hello.txt HTTP/1.0" and wait for the server to close (-WWW
# servers); idle = send nothing, close after 1 s (so TLS 1.3 tickets arrive); null = </dev/null.
sclient() {  # NAME PORT STDIN s_client-args...
  local name=$1 port=$2 mode=$3; shift 3
  local args=(openssl s_client -connect "127.0.0.1:$port" -servername "$HOST" -CAfile "$C/ca.pem"
    -keylogfile "$D/$name.keylog" "$@")
  local n=$(( $(grep -c "^$name	client" "$CMDS" || true) + 1 ))
  local out="$LOG/$name.client$n.log"
  case $mode in
    req)  args+=(-ign_eof); rec "$name" client "printf '$REQ' |" "${args[@]}"
          printf "$REQ" | "${args[@]}" >"$out" 2>&1 || echo "s_client exit $?" >>"$out" ;;
    idle) rec "$name" client "sleep 1 |" "${args[@]}"
          sleep 1 | "${args[@]}" >"$out" 2>&1 || echo "s_client exit $?" >>"$out" ;;
    null) rec "$name" client "" "${args[@]}"
          "${args[@]}" </dev/null >"$out" 2>&1 || echo "s_client exit $?" >>"$out" ;;
  esac
  grep -E '^(New|Reused),|^Early data|Extended master secret' "$out" | sort -u | sed "s/^/   client$n: /" || true
}
gclient() {  # NAME PORT gnutls-cli-args...   (sends the request, keeps stdin open 1 s more)
  local name=$1 port=$2; shift 2
  local args=(gnutls-cli -p "$port" --x509cafile "$C/ca.pem" --sni-hostname "$HOST" --verify-hostname "$HOST"
    "$@" 127.0.0.1)
  local n=$(( $(grep -c "^$name	client" "$CMDS" || true) + 1 ))
  local out="$LOG/$name.client$n.log"
  rec "$name" client "(printf '$REQ'; sleep 1) | SSLKEYLOGFILE=$D/$name.keylog" "${args[@]}"
  (printf "$REQ"; sleep 1) | SSLKEYLOGFILE="$D/$name.keylog" timeout 20 "${args[@]}" >"$out" 2>&1 \
    || echo "gnutls-cli exit $?" >>"$out"
  grep -E '^- Description|resumed session|^HTTP/' "$out" | sed "s/^/   client$n: /" || true
}

# ================================================================ the kinds
# ---------------------------------------------------------------- 1. TLS 1.3 resumption, psk_dhe_ke
N=tls13-psk-dhe; P=44501
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW
sclient $N $P req -sess_out "$WORK/$N.sess"
sclient $N $P req -sess_in "$WORK/$N.sess"
stop_capture $N
fi

# ---------------------------------------------------------------- 2. TLS 1.3 resumption, psk_ke (no key_share)
# OpenSSL's server picks psk_ke only when the client's key_share group is not one it supports: with a usable
# key share it always does psk_dhe_ke (and with an unshared but supported group it would send an HRR). So the
# server only has X25519 and the resuming client only P-256; both allow psk_ke (-allow_no_dhe_kex).
N=tls13-psk-ke; P=44502
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW -allow_no_dhe_kex -groups X25519
sclient $N $P req -sess_out "$WORK/$N.sess"
sclient $N $P req -sess_in "$WORK/$N.sess" -allow_no_dhe_kex -groups P-256
stop_capture $N
fi

# ---------------------------------------------------------------- 3. TLS 1.3 0-RTT accepted
# s_server refuses -early_data with -WWW, so this server is the plain one (prints what it gets, sends nothing).
N=tls13-0rtt; P=44503
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -early_data
sclient $N $P idle -sess_out "$WORK/$N.sess"
sclient $N $P idle -sess_in "$WORK/$N.sess" -early_data "$WORK/early.txt"
stop_capture $N
fi

# ---------------------------------------------------------------- 3b. TLS 1.3 0-RTT rejected, PSK accepted
# -max_early_data makes the tickets allow early data, but without -early_data s_server never calls
# SSL_read_early_data, so the server rejects the 0-RTT data while accepting the PSK; s_client then sends the
# request again after the handshake.
N=tls13-0rtt-rejected; P=44504
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW -max_early_data 16384
sclient $N $P req -sess_out "$WORK/$N.sess"
sclient $N $P req -sess_in "$WORK/$N.sess" -early_data "$WORK/early.txt"
stop_capture $N
fi

# ---------------------------------------------------------------- 4. TLS 1.2 resumption by session ticket
N=tls12-ticket; P=44505
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW -tls1_2
sclient $N $P req -tls1_2 -sess_out "$WORK/$N.sess"
sclient $N $P req -tls1_2 -sess_in "$WORK/$N.sess"
stop_capture $N
fi

# ---------------------------------------------------------------- 5. TLS 1.2 resumption by session ID
N=tls12-sessid; P=44506
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW -tls1_2 -no_ticket
sclient $N $P req -tls1_2 -no_ticket -sess_out "$WORK/$N.sess"
sclient $N $P req -tls1_2 -no_ticket -sess_in "$WORK/$N.sess"
stop_capture $N
fi

# ---------------------------------------------------------------- 6./7. TLS 1.2 CBC with and without encrypt_then_mac
N=tls12-etm; P=44507
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_2 -cipher ECDHE-RSA-AES128-SHA256 -no_ticket
sclient $N $P req -tls1_2 -cipher ECDHE-RSA-AES128-SHA256
stop_capture $N
fi
N=tls12-noetm; P=44508
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_2 -cipher ECDHE-RSA-AES128-SHA256 -no_ticket
sclient $N $P req -tls1_2 -cipher ECDHE-RSA-AES128-SHA256 -no_etm
stop_capture $N
fi

# ---------------------------------------------------------------- 8. TLS 1.2 without extended_master_secret
# The client runs with OPENSSL_CONF=noems.cnf (system_default: Options = -ExtendedMasterSecret), so its
# ClientHello has no extension 23 and the server cannot negotiate EMS.
N=tls12-noems; P=44509
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket
rec $N config "$(grep -v '^#' "$WORK/noems.cnf" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
OPENSSL_CONF=$WORK/noems.cnf sclient $N $P req -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
sed -i "/^$N	client	/s/| openssl s_client/| OPENSSL_CONF=\$TMP\/noems.cnf openssl s_client/" "$CMDS"
stop_capture $N
fi

# ---------------------------------------------------------------- 9. mutual TLS (client certificate required)
N=tls12-mtls; P=44510
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket -Verify 1 -CAfile "$C/ca.pem"
sclient $N $P req -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -cert "$K/client.pem" -key "$K/client.key"
stop_capture $N
fi
N=tls13-mtls; P=44511
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -Verify 1 -CAfile "$C/ca.pem"
sclient $N $P req -cert "$K/client.pem" -key "$K/client.key"
stop_capture $N
fi

# ---------------------------------------------------------------- 10. TLS 1.0 CBC (OpenSSL and GnuTLS clients)
N=tls10; P=44512
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_ticket
sclient $N $P req -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0'
stop_capture $N
fi
N=tls10-gnutls; P=44513
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_ticket
gclient $N $P --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.0:%COMPAT'
stop_capture $N
fi

# ---------------------------------------------------------------- 11. TLS 1.2 chosen by a client that offers TLS 1.3 (curl)
N=tls12-from13; P=44514
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_2 -no_ticket
args=(curl -s --http1.1 --max-time 5 --cacert "$C/ca.pem" --resolve "$HOST:$P:127.0.0.1" "https://$HOST:$P/hello.txt")
rec $N client "SSLKEYLOGFILE=$D/$N.keylog" "${args[@]}"
SSLKEYLOGFILE="$D/$N.keylog" "${args[@]}" >"$LOG/$N.client1.log" 2>&1 || echo "curl exit $?" >>"$LOG/$N.client1.log"
sed 's/^/   client1: /' "$LOG/$N.client1.log"
stop_capture $N
fi

# ---------------------------------------------------------------- 12. GnuTLS client <-> GnuTLS server, TLS 1.3
N=gnutls-tls13; P=44515
if want $N; then echo "== $N"
start_capture $N $P
gserver $N $P --http --disable-client-cert
gclient $N $P
stop_capture $N
fi
# gnutls-cli --resume: a full handshake (it waits for the NewSessionTicket and closes), then a second
# connection resuming it; the request goes over the second one only.
N=gnutls-tls13-resume; P=44516
if want $N; then echo "== $N"
start_capture $N $P
gserver $N $P --http --disable-client-cert
gclient $N $P --resume
stop_capture $N
fi

# ---------------------------------------------------------------- 13. Python ssl client, TLS 1.2, resumption
N=python-tls12-resume; P=44517
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 2 -WWW -tls1_2
cat > "$WORK/client.py" <<'PY'
import socket, ssl, sys
port, keylog, ca, host = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.keylog_filename = keylog
session = None
for i in range(2):
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname=host, session=session) as s:
            s.sendall(b"GET /hello.txt HTTP/1.0\r\n\r\n")
            body = b""
            while chunk := s.recv(4096):
                body += chunk
            print(i, s.version(), s.cipher()[0], "session_reused=%s" % s.session_reused, body.splitlines()[-1])
            session = s.session
            try:
                s.unwrap()          # our close_notify (the server already sent its own)
            except OSError as e:
                print(i, "unwrap:", e)
PY
rec $N client "" python3 "$WORK/client.py" "$P" "$D/$N.keylog" "$C/ca.pem" "$HOST"
python3 "$WORK/client.py" "$P" "$D/$N.keylog" "$C/ca.pem" "$HOST" >"$LOG/$N.client1.log" 2>&1 \
  || echo "python exit $?" >>"$LOG/$N.client1.log"
sed 's/^/   client: /' "$LOG/$N.client1.log"
stop_capture $N
fi

# ---------------------------------------------------------------- 14. TLS 1.3 HelloRetryRequest carrying a cookie
# s_server -stateless: SSL_stateless() answers the first ClientHello with an HRR that carries a cookie and
# forgets the connection state. The client must then not send the middlebox-compatibility CCS: the stateless
# server would take it as the first record of a new handshake and fail (tried: decode_error), hence
# -no_middlebox. -stateless is only handled by s_server's plain (non -WWW) mode.
# tls13-hrr-cookie: server only has P-256, client's key share is X25519 -> HRR with key_share + cookie.
# tls13-hrr-cookie-only: default groups -> the key share is fine, the HRR has a cookie and no key_share.
N=tls13-hrr-cookie; P=44518
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -stateless -groups P-256
sclient $N $P idle -no_middlebox
stop_capture $N
fi
N=tls13-hrr-cookie-only; P=44519
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -stateless
sclient $N $P idle -no_middlebox
stop_capture $N
fi

# ---------------------------------------------------------------- 15. mutual TLS before TLS 1.2
# tls11-mtls: the TLS 1.1 CertificateRequest has no signature-algorithm list (RFC 4346 §7.4.4) and the
# client's CertificateVerify signs MD5 + SHA-1 hashes. tls10-mtls-nocas: TLS 1.0 with -no_ca_names, so
# certificate_authorities is empty, which RFC 2246 §7.4.4 (<3..2^16-1>) does not allow.
N=tls11-mtls; P=44520
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1_1 -cipher 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0' -no_ticket -Verify 1 -CAfile "$C/ca.pem"
sclient $N $P req -tls1_1 -cipher 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0' -cert "$K/client.pem" -key "$K/client.key"
stop_capture $N
fi
N=tls10-mtls-nocas; P=44521
if want $N; then echo "== $N"
start_capture $N $P
sserver $N $P -naccept 1 -WWW -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_ticket -Verify 1 -CAfile "$C/ca.pem" -no_ca_names
sclient $N $P req -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -cert "$K/client.pem" -key "$K/client.key"
stop_capture $N
fi

# ---------------------------------------------------------------- commands.tsv (rows of re-made kinds replaced)
if [ ${#MADE[@]} -gt 0 ]; then
  touch "$D/commands.tsv"
  pat=$(printf '%s\n' "${MADE[@]}" | sed 's/.*/^&\t/')
  { grep -v -f <(echo "$pat") "$D/commands.tsv" || true; cat "$CMDS"; } > "$WORK/all.tsv"
  cp "$WORK/all.tsv" "$D/commands.tsv"
fi
{ openssl version; curl --version | head -1; gnutls-cli --version | head -1; tshark --version | head -1
  tcpdump --version 2>&1 | head -1; python3 -c 'import ssl,sys; print("Python", sys.version.split()[0], ssl.OPENSSL_VERSION)'
} > "$D/versions.txt"

[ "${SKIP_FACTS:-0}" = 1 ] || python3 "$D/facts-from-tshark.py"
