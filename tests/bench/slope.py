#!/usr/bin/env python3
"""Does any crafted input make analysis superlinear? For each family of worst cases, build inputs
of growing size, time `tls-lens explain --json` on each (best of 3, release build) and fit the
slope of log(time) against log(size): about 1 is linear, 2 would be quadratic. A report, not a
test: the machine is shared and noisy (issue 19).

  python3 tests/bench/slope.py [BINARY]     # default ./target/release/tls-lens
"""
import math, os, random, struct, subprocess, sys, tempfile, time

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BIN = sys.argv[1] if len(sys.argv) > 1 else './target/release/tls-lens'

def record(ct, body):
    return bytes([ct, 3, 3]) + struct.pack('>H', len(body)) + body

def handshake(t, body):
    return bytes([t]) + struct.pack('>I', len(body))[1:] + body

def client_hello(exts=b''):
    body = b'\x03\x03' + bytes(32) + b'\x00' + b'\x00\x02\x13\x01' + b'\x01\x00' + struct.pack('>H', len(exts)) + exts
    return handshake(1, body)

def many_records(n):
    """n handshake records, each one tiny message of an unknown type (past 20,000 the record
    limit cuts them with a diagnostic)."""
    return record(22, client_hello()) + b''.join(record(22, handshake(99, b'')) for _ in range(n))

def many_messages(n):
    """n tiny handshake messages coalesced into as few records as fit."""
    msgs = b''.join(handshake(99, b'') for _ in range(n))
    out = record(22, client_hello())
    for i in range(0, len(msgs), 16384):
        out += record(22, msgs[i:i + 16384])
    return out

def many_extensions(n):
    """One ClientHello with n empty extensions of unknown types (at most 65,535 bytes of them)."""
    exts = b''.join(struct.pack('>HH', 0x7000 + (i % 0x0fff), 0) for i in range(n))
    hello = client_hello(exts[:65000])
    return b''.join(record(22, hello[i:i + 16384]) for i in range(0, len(hello), 16384))

def hex_text(n):
    """n records written as hex text with direction markers, one per line."""
    rec = record(22, client_hello())
    return ''.join(('C: ' if i % 2 == 0 else 'S: ') + rec.hex() + '\n' for i in range(n)).encode()

def many_connections(n):
    """A pcap of n TCP connections that each send one ClientHello and never close."""
    out = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
    ch = record(22, client_hello())
    for k in range(n):
        port = 10000 + k % 50000
        src = bytes([10, 0, (k >> 16) & 255, 1 + (k >> 8) % 250])
        for seq, flags, payload in ((1000, 0x02, b''), (1001, 0x18, ch)):
            tcp = struct.pack('>HHIIBBHHH', port, 443, seq, 0, 0x50, flags, 65535, 0, 0) + payload
            ip = struct.pack('>BBHHHBBH', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0) + src + bytes([10, 0, 0, 2]) + tcp
            out += struct.pack('<IIII', 0, 0, len(ip), len(ip)) + ip
    return out

FAMILIES = [
    ('records', many_records, [2500, 5000, 10000, 20000]),
    ('messages', many_messages, [2500, 5000, 10000, 20000]),
    ('extensions', many_extensions, [2000, 4000, 8000, 16000]),
    ('hex lines', hex_text, [1000, 2000, 4000, 8000]),
    ('connections', many_connections, [500, 1000, 2000, 4000]),
]

def best_of(path, n=3):
    t = math.inf
    for _ in range(n):
        s = time.perf_counter()
        subprocess.run([BIN, 'explain', '--json', path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = min(t, time.perf_counter() - s)
    return t

def slope(points):
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)

print(f'{"family":<12} {"sizes (bytes)":<40} {"seconds (best of 3)":<36} slope')
with tempfile.TemporaryDirectory() as d:
    for name, make, ns in FAMILIES:
        pts = []
        for n in ns:
            data = make(n)
            path = os.path.join(d, f'{name}-{n}')
            open(path, 'wb').write(data)
            pts.append((len(data), best_of(path)))
        sizes = ', '.join(str(s) for s, _ in pts)
        secs = ', '.join(f'{t:.3f}' for _, t in pts)
        print(f'{name:<12} {sizes:<40} {secs:<36} {slope(pts):.2f}')
