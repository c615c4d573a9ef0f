#!/usr/bin/env python3
"""Build NAME.hex, NAME.full.hex, NAME.expected.json (+ tls12-ecdhe-rsa.sample.hex) for the
captures made by make-captures.sh, and self-check them.

Every fact in NAME.expected.json comes from tshark's dissection of NAME.pcap (PDML output),
never from TLS Lens code. Certificate facts read by tshark are cross-checked against
`openssl x509`; TCP payloads read by tshark are cross-checked against a minimal pcap reader
in this file. Run from anywhere: python3 tests/data/make-expected.py
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))

CAPTURES = [
    # name, server port, how it was made
    ("tls12-ecdhe-rsa", 44301,
     "openssl s_server -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -alpn h2,http/1.1 -no_ticket -www "
     "(cert chain: leaf + CA) <- curl --http2 --tls-max 1.2 --tlsv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 "
     "(SNI tls-lens.example, SSLKEYLOGFILE) on 127.0.0.1:44301"),
    ("tls12-rsa", 44302,
     "openssl s_server -tls1_2 -cipher AES128-GCM-SHA256 -alpn h2,http/1.1 -no_ticket -www "
     "(cert chain: leaf + CA) <- curl --http2 --tls-max 1.2 --tlsv1.2 --ciphers AES128-GCM-SHA256 "
     "(SNI tls-lens.example, SSLKEYLOGFILE) on 127.0.0.1:44302"),
    ("tls13", 44303,
     "openssl s_server (defaults) -alpn h2,http/1.1 -www (cert chain: leaf + CA) <- curl --http2 --tlsv1.3 "
     "(SNI tls-lens.example, SSLKEYLOGFILE) on 127.0.0.1:44303"),
    ("tls12-dhe-rsa", 44304,
     "openssl s_server -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 -no_ticket -www (cert chain: leaf + CA) "
     "<- openssl s_client -servername tls-lens.example -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 -keylogfile "
     "</dev/null on 127.0.0.1:44304"),
    ("tls13-hrr", 44305,
     "openssl s_server -groups P-256 -www (cert chain: leaf + CA) <- openssl s_client -servername "
     "tls-lens.example -groups X25519:P-256 -keylogfile </dev/null on 127.0.0.1:44305"),
]

HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
HS_NAMES = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket",
            5: "EndOfEarlyData", 8: "EncryptedExtensions", 11: "Certificate",
            12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone",
            15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished",
            22: "CertificateStatus", 24: "KeyUpdate"}
OID_SHORT = {"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
             "2.5.4.10": "O", "2.5.4.11": "OU", "1.2.840.113549.1.9.1": "emailAddress"}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw).stdout


def tool_versions():
    ts = run(["tshark", "--version"]).decode().splitlines()[0]
    ossl = run(["openssl", "version"]).decode().strip()
    curl = run(["curl", "--version"]).decode().splitlines()[0]
    return ts, ossl, curl


# ----------------------------------------------------------------------------- TCP segments
def tshark_segments(pcap, port):
    """[(frame, 'c2s'|'s2c', bytes)] for every TCP segment with payload, in capture order."""
    out = run(["tshark", "-r", pcap, "-T", "fields", "-e", "frame.number", "-e", "tcp.srcport",
               "-e", "tcp.stream", "-e", "tcp.payload", "-Y", "tcp.len>0"]).decode()
    segs, streams = [], set()
    for line in out.splitlines():
        frame, sport, stream, payload = line.split("\t")
        streams.add(stream)
        segs.append((int(frame), "s2c" if int(sport) == port else "c2s", bytes.fromhex(payload)))
    assert len(streams) == 1, f"{pcap}: expected one TCP connection, got {streams}"
    bad = run(["tshark", "-r", pcap, "-T", "fields", "-e", "frame.number", "-Y",
               "tcp.analysis.retransmission || tcp.analysis.out_of_order || "
               "tcp.analysis.lost_segment || tcp.analysis.duplicate_ack"]).decode().split()
    assert not bad, f"{pcap}: TCP anomalies in frames {bad}"
    return segs


def raw_pcap_segments(pcap, port):
    """Independent check: read the classic pcap file directly (Ethernet/IPv4/TCP)."""
    data = open(pcap, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    assert linktype == 1, "expected Ethernet link type"
    off, frame, segs = 24, 0, []
    while off < len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        frame += 1
        if struct.unpack("!H", pkt[12:14])[0] != 0x0800:
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 6:
            continue
        tcp = ip[ihl:total]
        sport = struct.unpack("!H", tcp[0:2])[0]
        doff = (tcp[12] >> 4) * 4
        payload = tcp[doff:]
        if payload:
            segs.append((frame, "s2c" if sport == port else "c2s", bytes(payload)))
    return segs


# ----------------------------------------------------------------------------- hex files
def marked_hex(segs):
    lines = []
    for _, d, b in segs:
        h = b.hex()
        chunks = [h[i:i + 64] for i in range(0, len(h), 64)]
        lines.append(("C: " if d == "c2s" else "S: ") + chunks[0])
        lines.extend(chunks[1:])
    return "\n".join(lines) + "\n"


def parse_marked_hex(text):
    segs = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("C: ") or line.startswith("S: "):
            segs.append(["c2s" if line[0] == "C" else "s2c", bytearray.fromhex(line[3:])])
        else:
            segs[-1][1] += bytes.fromhex(line)
    return segs


def sample_hex(segs):
    allb = b"".join(b for _, _, b in segs)
    return "\n".join(" ".join(f"{x:02x}" for x in allb[i:i + 32])
                     for i in range(0, len(allb), 32)) + "\n"


def by_dir(segs):
    out = {"c2s": b"", "s2c": b""}
    for s in segs:
        out[s[-2]] += bytes(s[-1])
    return out


def split_records(buf):
    """Walk 5-byte TLS record headers; returns list of (type, version, length) and leftover."""
    recs, i = [], 0
    while i + 5 <= len(buf):
        ln = struct.unpack("!H", buf[i + 3:i + 5])[0]
        if i + 5 + ln > len(buf):
            break
        recs.append((buf[i], struct.unpack("!H", buf[i + 1:i + 3])[0], ln))
        i += 5 + ln
    return recs, len(buf) - i


# ----------------------------------------------------------------------------- PDML walking
def pdml(pcap, port, keylog=None):
    cmd = ["tshark", "-r", pcap, "-T", "pdml", "-d", f"tcp.port=={port},tls",
           "-o", "tls.keylog_file:" + (keylog or "")]
    return ET.fromstring(run(cmd))


def fields(elem, name):
    return [e for e in elem.iter("field") if e.get("name") == name]


def first(elem, name, attr="show"):
    f = fields(elem, name)
    return f[0].get(attr) if f else None


def ival(s):
    return int(s, 0)


def records_from_pdml(root, port):
    """Records in wire order: dict(frame, dir, ct (outer type), inner (decrypted type or None),
    version, length, hs=[handshake <field> elements], elem)."""
    recs = []
    for pkt in root.iter("packet"):
        frame = int(first(pkt, "frame.number"))
        sport = int(first(pkt, "tcp.srcport"))
        d = "s2c" if sport == port else "c2s"
        for proto in pkt.findall("proto"):
            if proto.get("name") != "tls":
                continue
            for rec in proto.findall("field"):
                if rec.get("name") != "tls.record":
                    continue
                kids = {}
                for k in rec.findall("field"):
                    kids.setdefault(k.get("name"), k.get("show"))
                opaque = kids.get("tls.record.opaque_type")
                shown = kids.get("tls.record.content_type")
                recs.append(dict(
                    frame=frame, dir=d,
                    ct=int(opaque) if opaque is not None else int(shown),
                    inner=int(shown) if (opaque is not None and shown is not None) else None,
                    version=kids.get("tls.record.version"),
                    length=int(kids["tls.record.length"]),
                    hs=[k for k in rec.findall("field") if k.get("name") == "tls.handshake"],
                    elem=rec))
    return recs


def hs_type(h):
    t = None
    for k in h.findall("field"):
        if k.get("name") == "tls.handshake.type":
            t = int(k.get("show"))
    return t


def is_hrr(h):
    r = first(h, "tls.handshake.random", "value")
    magic = r is not None and r.lower() == HRR_RANDOM
    labelled = "Hello Retry Request" in (h.get("showname") or "")   # tshark's own verdict
    assert magic == labelled, "HRR random and tshark's label disagree"
    return magic


def hs_name(h):
    t = hs_type(h)
    if t == 2 and is_hrr(h):
        return "HelloRetryRequest"
    return HS_NAMES.get(t, f"Handshake({t})")


def classify_plain(recs, tls13):
    """Message items from the undecrypted dissection, plus the index of the record that ends
    the handshake (TLS 1.2: the later of the two encrypted Finished; TLS 1.3: client Finished)."""
    items, ccs_seen, fin_seen, end_idx, client_fin_done = [], set(), set(), None, False
    for i, r in enumerate(recs):
        d, ct = r["dir"], r["ct"]
        if ct == 22:
            for h in r["hs"]:
                if hs_type(h) is None:                      # "Encrypted Handshake Message"
                    assert d in ccs_seen, "encrypted handshake record before CCS"
                    name = "Finished" if d not in fin_seen else "EncryptedHandshake"
                    fin_seen.add(d)
                else:
                    name = hs_name(h)
                items.append((d, name, i))
            if not tls13 and fin_seen == {"c2s", "s2c"} and end_idx is None:
                end_idx = i
        elif ct == 20:
            ccs_seen.add(d)
            items.append((d, "ChangeCipherSpec", i))
        elif ct == 21:
            items.append((d, "Alert", i))
        elif ct == 23:
            if tls13 and not client_fin_done:
                items.append((d, "EncryptedRecord", i))
                if d == "c2s":                               # first c2s app-data record = client Finished
                    client_fin_done = True
                    end_idx = i
            else:
                items.append((d, "ApplicationData", i))
        else:
            items.append((d, f"Record({ct})", i))
    return items, end_idx


def classify_decrypted(recs):
    items = []
    for r in recs:
        ct = r["inner"] if r["inner"] is not None else r["ct"]
        if ct == 22:
            for h in r["hs"]:
                t = hs_type(h)
                items.append([r["dir"], hs_name(h) if t is not None else "EncryptedHandshake(undecrypted)"])
        elif ct == 20:
            items.append([r["dir"], "ChangeCipherSpec"])
        elif ct == 21:
            items.append([r["dir"], "Alert"])
        elif ct == 23:
            items.append([r["dir"], "ApplicationData"])
        else:
            items.append([r["dir"], f"Record({ct})"])
    return items


def ext_block(h, ext_type):
    """The extension subtree (field name="") whose tls.handshake.extension.type == ext_type."""
    for e in h.iter("field"):
        if e.get("name") == "" and (e.get("show") or "").startswith("Extension:"):
            t = [k for k in e.findall("field") if k.get("name") == "tls.handshake.extension.type"]
            if t and int(t[0].get("show")) == ext_type:
                return e
    return None


def ext_types(h):
    out = []
    for e in h.iter("field"):
        if e.get("name") == "" and (e.get("show") or "").startswith("Extension:"):
            for k in e.findall("field"):
                if k.get("name") == "tls.handshake.extension.type":
                    out.append(int(k.get("show")))
    return out


def vals(elem, name):
    return [ival(f.get("show")) for f in fields(elem, name)] if elem is not None else []


def strs(elem, name):
    return [f.get("show") for f in fields(elem, name)] if elem is not None else []


def client_hello_facts(h):
    sv = ext_block(h, 43)
    ks = ext_block(h, 51)
    sa = ext_block(h, 13)
    sg = ext_block(h, 10)
    alpn = ext_block(h, 16)
    return {
        "cipher_suites_offered": vals(h, "tls.handshake.ciphersuite"),
        "extensions_offered": ext_types(h),
        "groups_offered": vals(sg, "tls.handshake.extensions_supported_group"),
        "signature_algorithms": vals(sa, "tls.handshake.sig_hash_alg"),
        "supported_versions_offered": vals(sv, "tls.handshake.extensions.supported_version"),
        "key_share_groups": vals(ks, "tls.handshake.extensions_key_share_group"),
        "alpn_offered": strs(alpn, "tls.handshake.extensions_alpn_str"),
        "sni": first(h, "tls.handshake.extensions_server_name"),
        "legacy_version": ival(first(h, "tls.handshake.version")),
        "session_id_length": int(first(h, "tls.handshake.session_id_length")),
        "ja3": first(h, "tls.handshake.ja3"),
        "ja3_full": first(h, "tls.handshake.ja3_full"),
    }


def server_hello_facts(h):
    sv = ext_block(h, 43)
    ks = ext_block(h, 51)
    alpn = ext_block(h, 16)
    return {
        "legacy_version": ival(first(h, "tls.handshake.version")),
        "supported_version": (vals(sv, "tls.handshake.extensions.supported_version") or [None])[0],
        "cipher_suite": ival(first(h, "tls.handshake.ciphersuite")),
        "extensions": ext_types(h),
        "key_share_group": (vals(ks, "tls.handshake.extensions_key_share_group") or [None])[0],
        "key_share_selected_group": (vals(ks, "tls.handshake.extensions_key_share_selected_group") or [None])[0],
        "alpn": (strs(alpn, "tls.handshake.extensions_alpn_str") or [None])[0],
        "session_id_length": int(first(h, "tls.handshake.session_id_length")),
        "ja3s": first(h, "tls.handshake.ja3s"),
        "ja3s_full": first(h, "tls.handshake.ja3s_full"),
    }


def utc_to_iso(s):
    # tshark: "2026-11-29 02:13:06 (UTC)"
    date, time_ = s.split()[:2]
    return f"{date}T{time_}Z"


def name_from(elem):
    """RFC 2253 style (most specific RDN first) from tshark's rdnSequence subtree."""
    parts = []
    for item in elem.iter("field"):
        if item.get("name") != "x509if.RelativeDistinguishedName_item_element":
            continue
        oid = first(item, "x509if.oid")
        val = None
        for f in item.iter("field"):
            if f.get("name", "").startswith("x509sat.") and f.get("name") != "x509sat.DirectoryString":
                val = f.get("show")
        parts.append(f"{OID_SHORT.get(oid, oid)}={val}")
    return ",".join(reversed(parts))


def cert_facts(cert_field):
    der = bytes.fromhex(cert_field.get("value"))
    subj = [f for f in cert_field.iter("field") if f.get("name") == "x509af.subject"][0]
    iss = [f for f in cert_field.iter("field") if f.get("name") == "x509af.issuer"][0]
    nb = [f for f in cert_field.iter("field") if f.get("name") == "x509af.notBefore"][0]
    na = [f for f in cert_field.iter("field") if f.get("name") == "x509af.notAfter"][0]

    def t(e):
        v = first(e, "x509af.utcTime") or first(e, "x509af.generalizedTime")
        return utc_to_iso(v)

    serial = first(cert_field, "x509af.serialNumber", "value").lower()
    while serial.startswith("00") and len(serial) > 2:
        serial = serial[2:]
    facts = {
        "subject": name_from(subj),
        "issuer": name_from(iss),
        "not_before": t(nb),
        "not_after": t(na),
        "san": strs(cert_field, "x509ce.dNSName"),
        "serial": serial,
        "fingerprint_sha256": hashlib.sha256(der).hexdigest(),
        "der_length": len(der),
        "public_key_algorithm_oid": [f.get("show") for f in fields(cert_field, "x509af.algorithm.id")][1],
        "signature_algorithm_oid": [f.get("show") for f in fields(cert_field, "x509af.algorithm.id")][0],
        "rsa_modulus_bits": None,
    }
    mod = first(cert_field, "pkcs1.modulus", "value")
    if mod:
        facts["rsa_modulus_bits"] = int(mod, 16).bit_length()
    # cross-check with openssl
    o = run(["openssl", "x509", "-inform", "DER", "-noout", "-subject", "-issuer", "-dates",
             "-serial", "-fingerprint", "-sha256", "-nameopt", "RFC2253", "-ext", "subjectAltName"],
            input=der).decode()
    kv = {}
    for line in o.splitlines():
        if "=" in line and not line.startswith(" "):
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()
    assert kv["subject"] == facts["subject"], (kv["subject"], facts["subject"])
    assert kv["issuer"] == facts["issuer"], (kv["issuer"], facts["issuer"])
    assert kv["serial"].lower().lstrip("0") == facts["serial"].lstrip("0"), (kv["serial"], facts["serial"])
    assert kv["sha256 Fingerprint"].replace(":", "").lower() == facts["fingerprint_sha256"]
    od = run(["openssl", "x509", "-inform", "DER", "-noout", "-startdate", "-enddate", "-dateopt",
              "iso_8601"], input=der).decode()
    dates = dict(l.split("=", 1) for l in od.splitlines())
    # openssl iso_8601: "2026-11-29 02:13:06Z"
    assert dates["notBefore"].replace(" ", "T") == facts["not_before"], (dates, facts)
    assert dates["notAfter"].replace(" ", "T") == facts["not_after"], (dates, facts)
    san_o = [s.strip()[4:] for s in o.split("X509v3 Subject Alternative Name:")[-1].strip().split(",")
             if s.strip().startswith("DNS:")] if "Subject Alternative Name" in o else []
    assert san_o == facts["san"], (san_o, facts["san"])
    return facts


# ----------------------------------------------------------------------------- main
def build(name, port, how, versions):
    pcap = os.path.join(HERE, name + ".pcap")
    keylog = os.path.join(HERE, name + ".keylog")
    segs = tshark_segments(pcap, port)
    raw = raw_pcap_segments(pcap, port)
    assert [(f, d, b) for f, d, b in segs] == raw, f"{name}: tshark tcp.payload != raw pcap payloads"

    plain = records_from_pdml(pdml(pcap, port), port)
    dec = records_from_pdml(pdml(pcap, port, keylog), port) if os.path.exists(keylog) else None

    # negotiated version from the (real) ServerHello
    shs = [h for r in plain if r["ct"] == 22 for h in r["hs"] if hs_type(h) == 2]
    sh = [h for h in shs if not is_hrr(h)][0]
    hrr = [h for h in shs if is_hrr(h)]
    shf = server_hello_facts(sh)
    version = shf["supported_version"] or shf["legacy_version"]
    tls13 = version == 0x0304

    items, end_idx = classify_plain(plain, tls13)
    assert end_idx is not None, f"{name}: handshake end not found"
    end_frame = plain[end_idx]["frame"]
    hs_items = [(d, n) for d, n, i in items if i <= end_idx]
    hs_segs = [s for s in segs if s[0] <= end_frame]

    # write hex files
    with open(os.path.join(HERE, name + ".hex"), "w") as f:
        f.write(marked_hex(hs_segs))
    with open(os.path.join(HERE, name + ".full.hex"), "w") as f:
        f.write(marked_hex(segs))
    if name == "tls12-ecdhe-rsa":
        with open(os.path.join(HERE, name + ".sample.hex"), "w") as f:
            f.write(sample_hex(hs_segs))

    # ---- self checks on the hex files
    for fn, want in ((name + ".hex", hs_segs), (name + ".full.hex", segs)):
        got = parse_marked_hex(open(os.path.join(HERE, fn)).read())
        assert [(d, bytes(b)) for d, b in got] == [(d, b) for _, d, b in want], fn
        assert by_dir(got) == by_dir(want), fn
    if name == "tls12-ecdhe-rsa":
        txt = open(os.path.join(HERE, name + ".sample.hex")).read()
        assert bytes.fromhex(txt.replace("\n", " ")) == b"".join(b for _, _, b in hs_segs)
    hs_dir = by_dir(hs_segs)
    n_hs_recs = 0
    for d in ("c2s", "s2c"):
        recs, left = split_records(hs_dir[d])
        assert left == 0, f"{name}: handshake hex {d} does not end on a record boundary"
        want = [(r["ct"], ival(r["version"]), r["length"]) for r in plain
                if r["dir"] == d and plain.index(r) <= end_idx]
        assert recs == want, f"{name}: record walk != tshark records ({d})"
        n_hs_recs += len(recs)
    full_dir = by_dir(segs)
    for d in ("c2s", "s2c"):
        recs, left = split_records(full_dir[d])
        assert left == 0 and len(recs) == len([r for r in plain if r["dir"] == d]), name

    # ---- facts
    ch_list = [h for r in plain if r["ct"] == 22 for h in r["hs"] if hs_type(h) == 1]
    chf = client_hello_facts(ch_list[0])
    src = dec if dec is not None else plain
    cert_msgs = [h for r in src for h in r["hs"] if hs_type(h) == 11]
    certs = [cert_facts(c) for c in fields(cert_msgs[0], "tls.handshake.certificate")] if cert_msgs else []
    ske = [h for r in plain for h in r["hs"] if hs_type(h) == 12]
    cke = [h for r in plain for h in r["hs"] if hs_type(h) == 16]
    ee = [h for r in (dec or []) for h in r["hs"] if hs_type(h) == 8]

    if tls13:
        group = shf["key_share_group"]
        alpn = (strs(ext_block(ee[0], 16), "tls.handshake.extensions_alpn_str") or [None])[0] if ee else None
        alpn_source = "EncryptedExtensions (decrypted by tshark with NAME.keylog)"
    else:
        group = ival(first(ske[0], "tls.handshake.server_named_curve")) if ske and first(
            ske[0], "tls.handshake.server_named_curve") else None
        alpn = shf["alpn"]
        alpn_source = "ServerHello"

    exp = {
        "source": f"{how}; captured with tcpdump on lo; facts read from the pcap with {versions[0]} "
                  f"(PDML); certificate facts cross-checked with {versions[1]}; client {versions[2] if 'curl' in how else versions[1]}",
        "version": version,
        "cipher_suite": shf["cipher_suite"],
        "sni": chf["sni"],
        "alpn_offered": chf["alpn_offered"],
        "alpn": alpn,
        "group": group,
        "messages": [list(x) for x in hs_items],
        "cipher_suites_offered": chf["cipher_suites_offered"],
        "extensions_offered": chf["extensions_offered"],
        "groups_offered": chf["groups_offered"],
        "signature_algorithms": chf["signature_algorithms"],
        "supported_versions_offered": chf["supported_versions_offered"],
        "key_share_groups": chf["key_share_groups"],
        "certificates": certs,
        "ja3": chf["ja3"],
        "ja3_full": chf["ja3_full"],
        "ja3s": shf["ja3s"],
        "ja3s_full": shf["ja3s_full"],
        # ---- extras
        "server_port": port,
        "alpn_source": alpn_source,
        "client_hello_legacy_version": chf["legacy_version"],
        "client_hello_session_id_length": chf["session_id_length"],
        "client_hello_record_version": ival(plain[0]["version"]),
        "server_hello_legacy_version": shf["legacy_version"],
        "server_hello_extensions": shf["extensions"],
        "server_hello_session_id_length": shf["session_id_length"],
        "messages_full": [[d, n] for d, n, _ in items],
        "messages_decrypted": classify_decrypted(dec) if dec is not None else None,
        "records": [[r["dir"], r["ct"], ival(r["version"]), r["length"]] for r in plain[:end_idx + 1]],
        "records_full": [[r["dir"], r["ct"], ival(r["version"]), r["length"]] for r in plain],
        "handshake_end_frame": end_frame,
        "segments_handshake": len(hs_segs),
        "segments_full": len(segs),
        "bytes_handshake": {d: len(b) for d, b in hs_dir.items()},
        "bytes_full": {d: len(b) for d, b in full_dir.items()},
        "keylog": name + ".keylog" if dec is not None else None,
    }
    if ske:
        s = ske[0]
        exp["server_key_exchange"] = {
            "named_curve": group,
            "server_point_len": int(first(s, "tls.handshake.server_point_len")) if first(s, "tls.handshake.server_point_len") else None,
            "dh_p_len": int(first(s, "tls.handshake.p_len")) if first(s, "tls.handshake.p_len") else None,
            "dh_g_len": int(first(s, "tls.handshake.g_len")) if first(s, "tls.handshake.g_len") else None,
            "dh_ys_len": int(first(s, "tls.handshake.ys_len")) if first(s, "tls.handshake.ys_len") else None,
            "sig_hash_alg": ival(first(s, "tls.handshake.sig_hash_alg")) if first(s, "tls.handshake.sig_hash_alg") else None,
            "signature_len": int(first(s, "tls.handshake.sig_len")) if first(s, "tls.handshake.sig_len") else None,
        }
    if cke:
        c = cke[0]
        exp["client_key_exchange"] = {
            "client_point_len": int(first(c, "tls.handshake.client_point_len")) if first(c, "tls.handshake.client_point_len") else None,
            "dh_yc_len": int(first(c, "tls.handshake.yc_len")) if first(c, "tls.handshake.yc_len") else None,
            "encrypted_pms_len": int(first(c, "tls.handshake.epms_len")) if first(c, "tls.handshake.epms_len") else None,
        }
    if hrr:
        hf = server_hello_facts(hrr[0])
        exp["hello_retry_request"] = {
            "selected_group": hf["key_share_selected_group"],
            "cipher_suite": hf["cipher_suite"],
            "supported_version": hf["supported_version"],
            "extensions": hf["extensions"],
            "ja3s": hf["ja3s"], "ja3s_full": hf["ja3s_full"],
        }
        c2 = client_hello_facts(ch_list[1])
        exp["client_hello_2"] = {k: c2[k] for k in ("cipher_suites_offered", "extensions_offered",
                                                   "groups_offered", "key_share_groups",
                                                   "supported_versions_offered", "sni", "ja3", "ja3_full")}
    if dec is not None and tls13:
        cv = [h for r in dec for h in r["hs"] if hs_type(h) == 15]
        exp["certificate_verify_sig_hash_alg"] = ival(first(cv[0], "tls.handshake.sig_hash_alg")) if cv else None
    # sanity on decrypted view: handshake portion must end with the client's Finished (1.3)
    if dec is not None:
        dm = classify_decrypted(dec)
        assert len(dm) >= len(hs_items)
        if tls13:
            assert dm[len(hs_items) - 1] == ["c2s", "Finished"], (name, dm[:len(hs_items)])
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(exp, f, indent=2)
        f.write("\n")
    return exp


def main():
    versions = tool_versions()
    only = sys.argv[1:]
    for name, port, how in CAPTURES:
        if only and name not in only:
            continue
        if not os.path.exists(os.path.join(HERE, name + ".pcap")):
            print(f"{name}: no pcap, skipped")
            continue
        e = build(name, port, how, versions)
        print(f"{name}: v={e['version']:#06x} cs={e['cipher_suite']:#06x} group={e['group']} "
              f"alpn={e['alpn']} certs={len(e['certificates'])}")
        print("   messages:", " ".join(("C:" if d == "c2s" else "S:") + n for d, n in e["messages"]))
    classic = [["c2s", "ClientHello"], ["s2c", "ServerHello"], ["s2c", "Certificate"],
               ["s2c", "ServerKeyExchange"], ["s2c", "ServerHelloDone"], ["c2s", "ClientKeyExchange"],
               ["c2s", "ChangeCipherSpec"], ["c2s", "Finished"], ["s2c", "ChangeCipherSpec"],
               ["s2c", "Finished"]]
    p = os.path.join(HERE, "tls12-ecdhe-rsa.expected.json")
    if os.path.exists(p):
        assert json.load(open(p))["messages"] == classic, "tls12-ecdhe-rsa is not the classic 10 steps"
        print("tls12-ecdhe-rsa: classic 10-message handshake OK")
    print("all self-checks passed")


if __name__ == "__main__":
    main()
