#!/usr/bin/env python3
"""Recreates the QUIC test captures in tests/data/quic/: a real QUIC stack (aioquic) on
loopback, captured with tcpdump, each connection's TLS secrets in a key log.

    pip install aioquic==1.7.2
    sudo python3 make-quic-captures.py

Scenarios (one pcap + keylog each, all on 127.0.0.1, server certificate from certs/):
  v1-aes128   QUIC v1, TLS_AES_128_GCM_SHA256
  v1-aes256   QUIC v1, TLS_AES_256_GCM_SHA384
  v2-chacha   QUIC v2 (RFC 9369), TLS_CHACHA20_POLY1305_SHA256
  v1-retry    QUIC v1, the server answers the first Initial with a Retry
The client sends "ping" on a stream; the server echoes "pong: ping".
"""
import asyncio
import os
import ssl
import subprocess
import sys
import time

from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import StreamDataReceived
from aioquic.quic.packet import QuicProtocolVersion
from aioquic.tls import CipherSuite

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "quic")
CERTS = os.path.join(HERE, "certs")
ALPN = ["tls-lens"]

SCENARIOS = [
    ("v1-aes128", QuicProtocolVersion.VERSION_1, CipherSuite.AES_128_GCM_SHA256, False, 44411),
    ("v1-aes256", QuicProtocolVersion.VERSION_1, CipherSuite.AES_256_GCM_SHA384, False, 44412),
    ("v2-chacha", QuicProtocolVersion.VERSION_2, CipherSuite.CHACHA20_POLY1305_SHA256, False, 44413),
    ("v1-retry", QuicProtocolVersion.VERSION_1, CipherSuite.AES_128_GCM_SHA256, True, 44414),
]


class Echo(QuicConnectionProtocol):
    def quic_event_received(self, event):
        if isinstance(event, StreamDataReceived):
            self._quic.send_stream_data(event.stream_id, b"pong: " + event.data, end_stream=event.end_stream)
            self.transmit()


async def one(name, version, suite, retry, port):
    server_conf = QuicConfiguration(is_client=False, alpn_protocols=ALPN, supported_versions=[version])
    server_conf.load_cert_chain(os.path.join(CERTS, "server.pem"), os.path.join(CERTS, "server.key"))
    server = await serve("127.0.0.1", port, configuration=server_conf, create_protocol=Echo, retry=retry)
    with open(os.path.join(OUT, name + ".keylog"), "w") as keylog:
        client_conf = QuicConfiguration(
            is_client=True,
            alpn_protocols=ALPN,
            server_name="tls-lens.example",
            verify_mode=ssl.CERT_NONE,
            secrets_log_file=keylog,
            supported_versions=[version],
            cipher_suites=[suite],
        )
        async with connect("127.0.0.1", port, configuration=client_conf) as client:
            reader, writer = await client.create_stream()
            writer.write(b"ping")
            writer.write_eof()
            data = await asyncio.wait_for(reader.read(), 5)
            assert data == b"pong: ping", data
    server.close()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, version, suite, retry, port in SCENARIOS:
        pcap = os.path.join(OUT, name + ".pcap")
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", pcap, f"udp port {port}"], stderr=subprocess.DEVNULL)
        time.sleep(1)
        asyncio.run(one(name, version, suite, retry, port))
        time.sleep(1)
        dump.terminate()
        dump.wait()
        print(name, os.path.getsize(pcap), "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
