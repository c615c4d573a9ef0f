#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from tests/data (written to fuzz/seeds/<target>/, not
committed; the minimised corpus the campaigns leave is, in fuzz/corpus/<target>/).

  python3 fuzz/make-seeds.py
"""
import os, struct, glob, base64, re, hashlib
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
D = 'tests/data'

def put(target, data):
    d = f'fuzz/seeds/{target}'
    os.makedirs(d, exist_ok=True)
    with open(f'{d}/{hashlib.sha1(data).hexdigest()[:16]}', 'wb') as f:
        f.write(data)

files = [p for p in glob.glob(D + '/**/*', recursive=True) if os.path.isfile(p) and os.path.getsize(p) <= 256 * 1024]
captures = [p for p in files if p.endswith(('.pcap', '.pcapng'))]

# analyze: every input of tests/data (captures, dumps, logs, hex, key logs too).
for p in files:
    put('analyze', open(p, 'rb').read())

# scan: read sizes, then a capture.
for i, p in enumerate(captures):
    put('scan', bytes([i % 3, i % 2] + [1, 7, 200, 0, 130, 3, 255, 128, 64, 5, 9, 150, 2, 90]) + open(p, 'rb').read())

# decrypt: captures with the fixed key logs, key logs for the fixed captures.
for p in files:
    if p.endswith(('.pcap', '.hex')) and os.path.exists(re.sub(r'\.(pcap|hex)$', '.keylog', p)):
        put('decrypt', b'\x00' + open(p, 'rb').read())
for i, k in enumerate(['tls13', 'tls13-hrr', 'tls12-ecdhe-rsa', 'tls12-rsa', 'kinds/tls12-etm', 'kinds/tls13-0rtt']):
    put('decrypt', bytes([1 + 2 * i]) + open(f'{D}/{k}.keylog', 'rb').read())

# x509: the DER of every PEM certificate in tests/data.
for p in files:
    try:
        text = open(p, encoding='utf-8', errors='ignore').read()
    except OSError:
        continue
    for b64 in re.findall(r'-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----', text, re.S):
        put('x509', base64.b64decode(''.join(b64.split())))

# diff: two hex hellos, split in the middle.
hexes = [p for p in files if p.endswith('.hex')][:8]
for a, b in zip(hexes, hexes[1:] + hexes[:1]):
    x, y = open(a, 'rb').read(), open(b, 'rb').read()
    put('diff', bytes([255 * len(x) // (len(x) + len(y))]) + x + y)

# tcp: each capture's TCP segments in the target's format (harness::tcp_pcap).
def transport(pcap, proto):
    """(IP header length, IP packet) of each IPv4 or IPv6 packet of protocol `proto` in a
    classic little-endian pcap (Ethernet, Linux cooked or null link layer)."""
    b = open(pcap, 'rb').read()
    if b[:4] != b'\xd4\xc3\xb2\xa1':
        return
    at = 24
    off = {1: 14, 113: 16, 0: 4}.get(struct.unpack('<I', b[20:24])[0])
    while off is not None and at + 16 <= len(b):
        incl = struct.unpack('<I', b[at + 8:at + 12])[0]
        ip = b[at + 16 + off:at + 16 + incl]
        at += 16 + incl
        if len(ip) >= 20 and ip[0] >> 4 == 4 and ip[9] == proto:
            yield (ip[0] & 15) * 4, ip
        elif len(ip) >= 40 and ip[0] >> 4 == 6 and ip[6] == proto:
            yield 40, ip

def segments(pcap):
    out, isn = [], {}
    for ihl, ip in transport(pcap, 6):
        if ip[0] >> 4 != 4:
            continue
        tcp = ip[ihl:]
        sport, dport, seq, ack = struct.unpack('>HHII', tcp[:12])
        doff = (tcp[12] >> 4) * 4
        payload = tcp[doff:struct.unpack('>H', ip[2:4])[0] - ihl]
        server = sport < dport
        key = 1 if server else 0
        isn.setdefault(key, seq)
        isn.setdefault(1 - key, ack if ack else 0)
        out.append((server, (seq - isn[key]) & 0xffffffff, (ack - isn[1 - key]) & 0xffffffff, tcp[13], payload[:65535]))
    if not out:
        return None
    s = struct.pack('>II', isn.get(0, 0), isn.get(1, 0))
    for server, seq, ack, flags, payload in out:
        s += struct.pack('>BIIBH', int(server), seq, ack, flags, len(payload)) + payload
    return s

for p in captures:
    s = segments(p)
    if s and len(s) < 64 * 1024:
        put('tcp', s)

# dtls: the UDP payloads of the DTLS captures as datagrams (harness::datagrams); quic: TLS
# handshake messages of tests/data in CRYPTO frames, a DCID before them (harness::quic).
def udp_payloads(pcap):
    out, ports = [], None
    for ihl, ip in transport(pcap, 17):
        sport, dport = struct.unpack('>HH', ip[ihl:ihl + 4])
        ports = ports or (sport, dport)
        out.append((sport != ports[0], ip[ihl + 8:]))
    return out

def as_datagrams(items):
    return b''.join(struct.pack('>BH', int(s), len(p)) + p for s, p in items)

for p in captures:
    if 'dtls' in p:
        d = udp_payloads(p)
        if d:
            put('dtls', as_datagrams(d)[:64 * 1024])

def varint(n):
    return bytes([n]) if n < 64 else struct.pack('>H', 0x4000 | n)

def handshake_messages(hexfile):
    lines = [l.split('#')[0].split(':')[-1] for l in open(hexfile).read().splitlines()]
    raw = bytes.fromhex(''.join(c for l in lines for c in l if c in '0123456789abcdefABCDEF'))
    at, msgs = 0, []
    while at + 5 <= len(raw):
        ct, n = raw[at], struct.unpack('>H', raw[at + 3:at + 5])[0]
        if ct == 22:
            msgs.append(raw[at + 5:at + 5 + n])
        at += 5 + n
    return msgs

for h in ['tls13', 'tls13-hrr']:
    msgs = handshake_messages(f'{D}/{h}.hex')
    if len(msgs) >= 2:
        ch, sh = msgs[0], msgs[1]
        crypto = lambda m: b'\x06\x00' + varint(len(m)) + m
        put('quic', bytes([8]) + bytes.fromhex('8394c8f03e515708') + as_datagrams([(False, crypto(ch) + b'\x00' * 40), (True, b'\x02\x00\x00\x00\x00' + crypto(sh))]))
        half = len(ch) // 2
        put('quic', bytes([0]) + as_datagrams([(False, b'\x06' + varint(half) + varint(len(ch) - half) + ch[half:]), (False, crypto(ch[:half]))]))

for t in sorted(os.listdir('fuzz/seeds')):
    print(t, len(os.listdir(f'fuzz/seeds/{t}')))
