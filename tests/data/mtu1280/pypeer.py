#!/usr/bin/env python3
"""Tiny Python `ssl` server / client used by make.sh for the python-tls13 / python-tls12 captures.

  pypeer.py server IP PORT CHAIN.pem KEY.pem [max12]
  pypeer.py client IP PORT CA.pem KEYLOG [max12]

One connection: the client sends b"ping\\n", the server answers b"pong\\n", then both sides call
unwrap() so close_notify is sent in both directions (a clean TLS close), then the sockets close.
ALPN offered/accepted: h2, http/1.1. SNI / verified hostname: tls-lens.example.
"max12" sets maximum_version = TLSv1_2 on that side only (make.sh passes it to the SERVER only).
"""
import socket
import ssl
import sys

HOST = "tls-lens.example"


def server(ip, port, chain, key, max12):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)          # chain = leaf + CA, so Certificate carries 2 certs
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    if max12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_server((ip, port)) as ls:
        print("listening", flush=True)
        conn, peer = ls.accept()
        t = ctx.wrap_socket(conn, server_side=True)
        print("peer", peer, t.version(), t.cipher(), t.selected_alpn_protocol(), flush=True)
        data = t.recv(100)
        print("got", data, flush=True)
        t.sendall(b"pong\n")
        raw = t.unwrap()                     # send close_notify, wait for the client's
        raw.close()


def client(ip, port, ca, keylog, max12):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    ctx.keylog_filename = keylog
    if max12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection((ip, port)) as s:
        t = ctx.wrap_socket(s, server_hostname=HOST)
        print("connected", t.version(), t.cipher(), t.selected_alpn_protocol(), flush=True)
        t.sendall(b"ping\n")
        print("got", t.recv(100), flush=True)
        raw = t.unwrap()
        raw.close()


if __name__ == "__main__":
    role, ip, port, a, b = sys.argv[1:6]
    max12 = len(sys.argv) > 6 and sys.argv[6] == "max12"
    (server if role == "server" else client)(ip, int(port), a, b, max12)
