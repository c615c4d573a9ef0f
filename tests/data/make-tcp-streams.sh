#!/usr/bin/env bash
# Writes tests/data/tcp-streams.tsv: for every capture under tests/data, each ClientHello as
# TShark sees it: file, tcp.stream, SNI. tests/scan.rs checks that `explain` and `scan` number
# connections as Wireshark's tcp.stream and find each of these ClientHellos. The SOCKS dissector is
# disabled: it opens an extra conversation per proxied connection, which shifts tcp.stream numbers.
# Needs tshark. Run from anywhere: tests/data/make-tcp-streams.sh
set -euo pipefail
cd "$(dirname "$0")"
out=tcp-streams.tsv
{
  echo "# file	tcp.stream	sni  (from $(tshark --version | head -1))"
  find . -name '*.pcap' -o -name '*.pcapng' | sed 's#^\./##' | sort | while read -r f; do
    tshark --disable-protocol socks -r "$f" -Y 'tls.handshake.type == 1 && !quic' -T fields -e tcp.stream -e tls.handshake.extensions_server_name 2>/dev/null \
      | awk -v f="$f" -F '\t' '$1 != "" { print f "\t" $1 "\t" $2 }' | sort -u
  done
} > "$out"
echo "wrote $(grep -vc '^#' "$out") ClientHellos to tests/data/$out"
