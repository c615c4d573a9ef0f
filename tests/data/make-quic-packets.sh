#!/bin/sh
# tshark's view of every QUIC packet in the QUIC test captures: one line per frame with
#   capture <TAB> frame <TAB> long packet types <TAB> packet numbers <TAB> frame types <TAB> handshake types
# (comma lists; 1-RTT packets have no long packet type). The oracle of tests/quic.rs.
# Run from tests/data: sh make-quic-packets.sh > quic-packets.tsv
set -e
ill=corpus/illustrated/illustrated-quic/captures
row() {
  name=$1; shift
  tshark "$@" -Y quic -T fields -e frame.number -e quic.long.packet_type -e quic.packet_number \
    -e quic.frame_type -e tls.handshake.type -E occurrence=a -E aggregator=, 2>/dev/null |
    sed "s|^|$name\t|"
}
row illustrated-quic -r $ill/capture.pcap -o tls.keylog_file:$ill/keylog.txt
for f in chrome-cloudflare-quic-with-secrets quic-tls-handshake quic-with-several-tls-frames tls-sni; do
  row $f -r corpus/ja4/pcap/$f.pcapng
done
# Our own aioquic captures (make-quic-captures.py). Not v1-retry: tshark 4.0.17 keeps the
# ClientHello from before the Retry and so decrypts nothing after it (tests/quic.rs checks
# that capture on its own).
for f in v1-aes128 v1-aes256 v2-chacha; do
  row quic/$f -r quic/$f.pcap -o tls.keylog_file:quic/$f.keylog
done
