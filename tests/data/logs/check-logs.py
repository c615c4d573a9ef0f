#!/usr/bin/env python3
"""Cross-check the tool logs (NAME.txt) against the wire, to back the claims in FORMATS.md.

Contains a deliberately small reader for each log format and compares what it extracts with
what tshark reads from NAME.pcap (decrypted with NAME.keylog): the TCP payload of each
direction (`tcp.payload`) and the records/messages that make-expected.py extracts (imported
from it, with the plaintext bytes kept). Prints one line per check; exits 1 on any failure.

    python3 tests/data/logs/check-logs.py

"Model" = the sequence of byte blocks that OpenSSL's message callback should report for a
direction, derived from tshark only: for every record, the 5 header bytes as on the wire;
then, for TLS 1.3-protected records, the 1-byte decrypted inner content type; then the
decrypted body: each handshake message (4-byte header included), the 1-byte CCS body
(0x01, sent CCS only: OpenSSL does not report a received CCS), the 2-byte alert.
Application data bodies are not part of it (the callback does not report them).

Checks:
  -debug         `write to` dumps concatenated == c2s TCP payload; `read from` dumps
                 concatenated == s2c TCP payload (byte-exact)
  -msg           payloads of all `>>>`/`<<<` entries of a direction == the model
  --trace        `Send/Recv SSL data` blocks of a direction == the model; `Send header/data`
                 == decrypted c2s application data, `Recv header/data` == decrypted s2c
                 application data
  --trace-ascii  every block == curl's ASCII rendering of the model / of the decrypted data
  -msg, --trace  header + body of every plaintext record rebuilt from the log == wire bytes;
                 the rest of the wire (ciphertext) is not in the log
"""
import hashlib
import importlib.util
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_expected", os.path.join(HERE, "make-expected.py"))
ME = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ME)
FAILS = 0
DIRS = ("c2s", "s2c")


def check(ok, what):
    global FAILS
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        FAILS += 1


def tcp_payload(name, port):
    out = subprocess.run(["tshark", "-r", os.path.join(HERE, name + ".pcap"), "-T", "fields",
                          "-e", "tcp.srcport", "-e", "tcp.payload", "-Y", "tcp.len>0"],
                         check=True, capture_output=True).stdout.decode()
    acc = {"c2s": b"", "s2c": b""}
    for line in out.splitlines():
        sport, payload = line.split("\t")
        acc["s2c" if int(sport) == port else "c2s"] += bytes.fromhex(payload)
    return acc


def wire_records(buf):
    recs, i = [], 0
    while i + 5 <= len(buf):
        n = int.from_bytes(buf[i + 3:i + 5], "big")
        recs.append(buf[i:i + 5 + n])
        i += 5 + n
    assert i == len(buf), "TCP payload does not end on a record boundary"
    return recs


def model(facts):
    """{dir: [(kind, bytes)]}: what OpenSSL's msg callback reports, from tshark's facts."""
    out = {d: [] for d in DIRS}
    for ri, r in enumerate(facts["records"]):
        d = r["dir"]
        out[d].append(("RecordHeader", bytes.fromhex(r["header_hex"])))
        if r["inner_type"] is not None:
            out[d].append(("InnerContent", bytes([r["inner_type"]])))
        for m in facts["messages"]:
            if m["record"] != ri:
                continue
            if m["content_type"] == 22:
                out[d].append(("Handshake", m["bytes"]))
            elif m["content_type"] == 20 and d == "c2s":
                out[d].append(("ChangeCipherSpec", b"\x01"))
            elif m["content_type"] == 21:
                out[d].append(("Alert", bytes([m["level"], m["description"]])))
    return out


def app_data(facts):
    return {d: b"".join(m["bytes"] for m in facts["messages"]
                        if m["dir"] == d and m["content_type"] == 23) for d in DIRS}


# ----------------------------------------------------------------------------- exact line layouts
def asc(b):
    return "".join(chr(x) if 0x20 <= x < 0x7f else "." for x in b)


def layout_msg(data):
    """s_client -msg: 4 spaces, then 16 bytes per line as lowercase hex separated by 1 space."""
    return ["    " + " ".join(f"{x:02x}" for x in data[i:i + 16]) for i in range(0, len(data), 16)]


def layout_bio_dump(data):
    """s_client -debug (BIO_dump): 'oooo - ' then 16 x 'hh' each followed by ' ' ('-' after the
    8th byte, even when it is the last byte of the line), missing bytes as 3 spaces, 2 spaces,
    the ASCII column (0x20..0x7e, else '.')."""
    out = []
    for i in range(0, len(data), 16):
        row = data[i:i + 16]
        h = "".join(f"{x:02x}" + ("-" if j == 7 else " ") for j, x in enumerate(row))
        out.append(f"{i:04x} - " + h + "   " * (16 - len(row)) + "  " + asc(row))
    return out


def layout_curl_hex(data):
    """curl --trace: 'oooo: ' then 16 x 'hh ' (missing bytes as 3 spaces), then the ASCII
    column directly (0x20..0x7e, else '.')."""
    out = []
    for i in range(0, len(data), 16):
        row = data[i:i + 16]
        out.append(f"{i:04x}: " + "".join(f"{x:02x} " for x in row) + "   " * (16 - len(row)) + asc(row))
    return out


LAYOUT_FAILS = []


def layout_check(kind, lines, data):
    want = {"msg": layout_msg, "debug": layout_bio_dump, "curl": layout_curl_hex}[kind](data)
    if lines != want:
        LAYOUT_FAILS.append((kind, lines, want))


# ----------------------------------------------------------------------------- openssl s_client
MSG_HEAD = re.compile(r"^(>>>|<<<) (.*?), ?(RecordHeader|InnerContent|Handshake|ChangeCipherSpec|Alert|"
                      r"ApplicationData)? ?\[length ([0-9a-f]{4,})\](.*)$")
MSG_HEX = re.compile(r"^    [0-9a-f]{2}( [0-9a-f]{2}){0,15}$")
DBG_HEAD = re.compile(r"^(read from|write to) 0x[0-9a-f]+ \[0x[0-9a-f]+\] "
                      r"\((\d+) bytes => (-?\d+)(?: \(0x([0-9A-F]+)\))?\)$")
DBG_HEX = re.compile(r"^([0-9a-f]{4,}) - ")


def dump_line_bytes(line):
    """One BIO_dump line: 'OOOO - xx xx xx xx xx xx xx xx-xx xx xx xx xx xx xx xx   ASCII'."""
    m = DBG_HEX.match(line)
    hexpart = line[m.end():m.end() + 16 * 3]
    return int(m.group(1), 16), bytes.fromhex(hexpart.replace("-", " "))


def parse_sclient(text):
    """[('msg', dir, kind, bytes) | ('debug', dir, returned, bytes)] in file order."""
    lines, ev, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        m = MSG_HEAD.match(line)
        if m:
            n, data, raw = int(m.group(4), 16), b"", []
            while i + 1 < len(lines) and MSG_HEX.match(lines[i + 1]):
                i += 1
                raw.append(lines[i])
                data += bytes.fromhex(lines[i])
            assert len(data) == n, (line, len(data))
            layout_check("msg", raw, data)
            ev.append(("msg", "c2s" if m.group(1) == ">>>" else "s2c", m.group(3), data))
        m = DBG_HEAD.match(line)
        if m:
            ret, data, raw = int(m.group(3)), b"", []
            while i + 1 < len(lines) and DBG_HEX.match(lines[i + 1]):
                i += 1
                raw.append(lines[i])
                off, b = dump_line_bytes(lines[i])
                assert off == len(data), (lines[i], len(data))
                data += b
            layout_check("debug", raw, data)
            if ret > 0:
                assert ret == int(m.group(4), 16) == len(data), (line, len(data))
            ev.append(("debug", "c2s" if m.group(1) == "write to" else "s2c", ret, data))
        i += 1
    return ev


# ----------------------------------------------------------------------------- curl
TRACE_HEAD = re.compile(r"^(=>|<=) (Send|Recv) (SSL data|header|data), (\d+) bytes \(0x([0-9a-f]+)\)$")
TRACE_HEX = re.compile(r"^([0-9a-f]{4,}): ")


def parse_curl(text, ascii_mode):
    """[('info', text) | ('block', dir, kind, size, bytes (hex mode) or [lines] (ascii))]."""
    lines, ev, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("== Info: "):
            ev.append(("info", line[len("== Info: "):]))
        m = TRACE_HEAD.match(line)
        if m:
            size = int(m.group(4))
            assert size == int(m.group(5), 16)
            body = []
            while i + 1 < len(lines) and TRACE_HEX.match(lines[i + 1]):
                i += 1
                body.append(lines[i])
            if not ascii_mode:
                data = b""
                for b in body:
                    off = int(b[:b.index(":")], 16)
                    assert off == len(data), (b, len(data))
                    data += bytes.fromhex(b[6:6 + 16 * 3])
                assert len(data) == size, (line, len(data))
                layout_check("curl", body, data)
                body = data
            ev.append(("block", "c2s" if m.group(1) == "=>" else "s2c", m.group(3), size, body))
        i += 1
    return ev


def curl_ascii_render(data):
    """curl 7.88 --trace-ascii block lines: 64 bytes per line, a CRLF ends a line early (and is
    not shown), bytes outside 0x20..0x7e are shown as '.'."""
    out, i, size, width = [], 0, len(data), 0x40
    while i < size:
        s, c = f"{i:04x}: ", 0
        while c < width and i + c < size:
            if i + c + 1 < size and data[i + c] == 0x0D and data[i + c + 1] == 0x0A:
                i += c + 2 - width
                break
            s += chr(data[i + c]) if 0x20 <= data[i + c] < 0x7f else "."   # 0x7f -> '.' (observed)
            if i + c + 2 < size and data[i + c + 1] == 0x0D and data[i + c + 2] == 0x0A:
                i += c + 3 - width
                break
            c += 1
        out.append(s)
        i += width
    return out


# ----------------------------------------------------------------------------- checks
def rebuild_plaintext(name, wire, units):
    """units: {dir: [(kind, bytes)]} from a log. Rebuild every record that is not encrypted
    on the wire as header + body and compare with the wire."""
    for d in DIRS:
        recs = wire_records(wire[d])
        plain = []
        for r in recs:                      # records before the sender's CCS, and the CCS
            if r[0] == 23:
                break
            plain.append(r)
            if r[0] == 20:
                break
        rebuilt, cur = [], None
        for kind, b in units[d]:
            if kind == "RecordHeader":
                if cur is not None:
                    rebuilt.append(cur)
                cur = b
            elif kind != "InnerContent" and cur is not None and len(cur) == 5:
                cur += b
        if cur is not None:
            rebuilt.append(cur)
        # a received CCS is reported as a RecordHeader only; its body is always 0x01
        rebuilt = [r + b"\x01" if r[0] == 20 and len(r) == 5 else r for r in rebuilt]
        n = len(plain)
        check(rebuilt[:n] == plain,
              f"{name} {d}: {n} plaintext records ({sum(map(len, plain))} bytes) rebuilt from "
              f"header+body entries == wire")
        nxt = [i for i in range(n, min(len(rebuilt), len(recs))) if rebuilt[i] == recs[i]]
        check(not nxt, f"{name} {d}: none of the {len(recs) - n} encrypted records "
                       f"({len(wire[d]) - sum(map(len, plain))} bytes) can be rebuilt")


def check_openssl(name, facts, wire, text):
    ev = parse_sclient(text)
    dbg = [e for e in ev if e[0] == "debug"]
    msg = [e for e in ev if e[0] == "msg"]
    if dbg:
        for d in DIRS:
            got = b"".join(e[3] for e in dbg if e[1] == d)
            n = len([e for e in dbg if e[1] == d and e[2] > 0])
            check(got == wire[d], f"{name} {d}: {n} -debug dumps concatenated ({len(got)} bytes) == "
                                  f"TCP payload ({len(wire[d])} bytes)")
        eof = [e for e in dbg if e[2] <= 0]
        check(len(eof) == 1 and eof[0][1] == "s2c" and eof[0][2] == 0,
              f"{name}: exactly one 'read from ... (N bytes => 0)' (EOF, no dump)")
    if msg:
        want = model(facts)
        units = {d: [(e[2], e[3]) for e in msg if e[1] == d] for d in DIRS}
        for d in DIRS:
            check(units[d] == want[d],
                  f"{name} {d}: {len(units[d])} -msg entries (kind+bytes) == tshark model "
                  f"({', '.join(k for k, _ in units[d] if k not in ('RecordHeader', 'InnerContent'))})")
        rebuild_plaintext(name, wire, units)


def check_curl(name, facts, wire, text, ascii_mode):
    ev = parse_curl(text, ascii_mode)
    want, app = model(facts), app_data(facts)
    # SSL data blocks; an "== Info: TLSv1.x (IN|OUT), TLS <type>, <msg> (<n>):" line
    # directly before a block marks it as a message body, otherwise it is a record header
    # (5 bytes) or a TLS 1.3 inner content type (1 byte)
    units = {d: [] for d in DIRS}
    appblocks = {d: [] for d in DIRS}
    last_info = None
    for e in ev:
        if e[0] == "info":
            last_info = e[1]
            continue
        _, d, kind, size, body = e
        if kind != "SSL data":
            appblocks[d].append(body)
        elif last_info is None or not last_info.startswith("TLSv"):
            units[d].append(("RecordHeader" if size == 5 else "InnerContent", body))
        else:
            m = re.match(r"^TLSv[\d.]+ \((IN|OUT)\), TLS (handshake|change cipher|alert), .* \((\d+)\):$",
                         last_info)
            assert m and (m.group(1) == "OUT") == (d == "c2s"), (name, last_info)
            units[d].append(({"handshake": "Handshake", "change cipher": "ChangeCipherSpec",
                              "alert": "Alert"}[m.group(2)], body))
        last_info = None
    for d in DIRS:
        if ascii_mode:
            rendered = [(k, curl_ascii_render(b)) for k, b in want[d]]
            check(units[d] == rendered,
                  f"{name} {d}: {len(units[d])} SSL data blocks == curl's ASCII rendering of the "
                  f"tshark model")
            # the block sizes come from the block headers; re-render that slice of the plaintext
            pos, ok = 0, True
            sizes = [e[3] for e in ev if e[0] == "block" and e[1] == d and e[2] != "SSL data"]
            for size, lines in zip(sizes, appblocks[d]):
                ok = ok and curl_ascii_render(app[d][pos:pos + size]) == lines
                pos += size
            check(ok and pos == len(app[d]),
                  f"{name} {d}: {len(appblocks[d])} header/data blocks ({pos} bytes) == curl's ASCII "
                  f"rendering of tshark's decrypted application data ({len(app[d])} bytes)")
        else:
            check(units[d] == want[d],
                  f"{name} {d}: {len(units[d])} SSL data blocks == tshark model "
                  f"({', '.join(k for k, _ in units[d] if k not in ('RecordHeader', 'InnerContent'))})")
            got = b"".join(appblocks[d])
            check(got == app[d], f"{name} {d}: header/data blocks ({len(got)} bytes) == tshark's "
                                 f"decrypted application data ({len(app[d])} bytes)")
    if not ascii_mode:
        rebuild_plaintext(name, wire, units)


def check_unbuffered(name, text):
    """Made without stdbuf: other output is spliced into the middle of lines. Only document it."""
    glued = [ln for ln in text.split("\n")
             if re.search(r".(depth=\d|verify return:|HTTP/1\.0 200|read R BLOCK|---$)", ln)
             and not ln.startswith(("depth=", "verify return:", "HTTP/1.0", "read R BLOCK", "---"))]
    check(len(glued) > 0, f"{name}: {len(glued)} lines have other output glued into them, e.g. "
                          f"{glued[0][:70]!r}" if glued else f"{name}: no glued lines")
    try:
        parse_sclient(text)
        ok = False
    except (AssertionError, ValueError):
        ok = True
    check(ok, f"{name}: the strict -debug reader rejects it (a parser must not trust such a file "
              f"byte-for-byte)")


def main():
    for name, port, tool, *_ in ME.LOGS:
        facts = ME.analyse(name, port, keep_bytes=True)
        text = open(os.path.join(HERE, name + ".txt"), "rb").read().decode("latin-1")
        wire = tcp_payload(name, port)
        for d in DIRS:
            assert hashlib.sha256(wire[d]).hexdigest() == facts["tcp"][d]["sha256"]
        print(f"== {name}.txt ({tool}; TLS {'1.3' if facts['version'] == 0x0304 else '1.2'})")
        if name.endswith("-unbuffered"):
            check_unbuffered(name, text)
        elif tool.startswith("openssl"):
            check_openssl(name, facts, wire, text)
        else:
            check_curl(name, facts, wire, text, tool == "curl --trace-ascii")
    check(not LAYOUT_FAILS, "every hex dump line of every log == its documented layout re-rendered "
                            "from the bytes (msg / BIO_dump / curl --trace)")
    for k, a, b in LAYOUT_FAILS[:3]:
        print("    ", k, a[:2], b[:2])
    print("failures:", FAILS)
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
