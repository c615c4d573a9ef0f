#!/usr/bin/env python3
"""Write NAME.expected.json for every tool log made by make-logs.sh.

Every fact comes from tshark's dissection of NAME.pcap, decrypted with NAME.keylog
(`tshark -T json -x --no-duplicate-keys`), and from nothing else: the logs (NAME.txt)
are NOT read here. That makes the JSON an independent oracle for a parser of the logs.

    python3 tests/data/logs/make-expected.py

Keys of NAME.expected.json (dir is "c2s" = client->server or "s2c" = server->client):
  log, tool, server, client, server_port, tshark   how the data was made
  version               negotiated version (772 = TLS 1.3, 771 = TLS 1.2): ServerHello
                        supported_versions if present, else ServerHello legacy version
  cipher_suite(_hex)    ServerHello cipher suite
  sni                   ClientHello server_name
  alpn_offered / alpn   ClientHello ALPN list / ALPN selected (ServerHello for 1.2,
                        decrypted EncryptedExtensions for 1.3); null = none
  group                 ServerHello key_share group (1.3) or ServerKeyExchange curve (1.2)
  client_hello_record_version, client_hello_legacy_version,
  supported_versions_offered, cipher_suites_offered
  records[]             every TLS record in wire order: dir, frame, outer_type (the type
                        byte on the wire), inner_type (decrypted TLS 1.3 inner content type,
                        null for records that are not TLS 1.3-protected), version, length
                        (record length field), header_hex (the 5 header bytes as on the wire)
  messages[]            every message in wire order, decrypted: dir, frame, record (index
                        into records), content_type (inner type), name, and for handshake
                        messages handshake_type, length (4-byte header + body) and sha256 of
                        the plaintext message bytes (header included); alerts: level,
                        description; application data: length, sha256 of the plaintext
  messages_by_direction        {dir: [name, ...]}
  handshake_types_by_direction {dir: [handshake type number, ...]}
  application_data      {dir: {bytes, sha256, first_line}} of the decrypted plaintext
  tcp                   {dir: {segments, bytes, sha256}} of the TCP payload (tcp.payload)
"""
import hashlib
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER12 = ("openssl s_server -www -naccept 1 -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 "
            "-cert certs/server.pem -key certs/server.key -cert_chain certs/ca.pem")
SERVER13 = ("openssl s_server -www -naccept 1 -tls1_3 -cipher ECDHE-RSA-AES128-GCM-SHA256 "
            "-cert certs/server.pem -key certs/server.key -cert_chain certs/ca.pem")
SCLIENT = ("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | stdbuf -o0 -e0 openssl s_client -connect 127.0.0.1:{port} "
           "-servername tls-lens.example -CAfile certs/ca.pem -keylogfile NAME.keylog -ign_eof {opts} "
           "> NAME.txt 2>&1")
CURL = ("SSLKEYLOGFILE=NAME.keylog curl -sS {opts} NAME.txt --cacert certs/ca.pem "
        "--resolve tls-lens.example:{port}:127.0.0.1 https://tls-lens.example:{port}/ -o /dev/null")

LOGS = [  # name, port, tool (what NAME.txt is), server, client options
    ("openssl-msg-tls12", 44401, "openssl s_client -msg", SERVER12, SCLIENT, "-msg"),
    ("openssl-msg-tls13", 44402, "openssl s_client -msg", SERVER13, SCLIENT, "-msg"),
    ("openssl-debug-tls12", 44403, "openssl s_client -debug", SERVER12, SCLIENT, "-debug"),
    ("openssl-debug-tls13", 44404, "openssl s_client -debug", SERVER13, SCLIENT, "-debug"),
    ("openssl-msg-debug-tls13", 44405, "openssl s_client -msg -debug", SERVER13, SCLIENT, "-msg -debug"),
    ("curl-trace-tls12", 44406, "curl --trace", SERVER12, CURL, "--trace"),
    ("curl-trace-tls13", 44407, "curl --trace", SERVER13, CURL, "--trace"),
    ("curl-trace-ascii-tls12", 44408, "curl --trace-ascii", SERVER12, CURL, "--trace-ascii"),
    ("curl-trace-ascii-tls13", 44409, "curl --trace-ascii", SERVER13, CURL, "--trace-ascii"),
    # no stdbuf: s_client's stdout is block-buffered into the file (deliberately damaged log)
    ("openssl-debug-tls13-unbuffered", 44410, "openssl s_client -debug", SERVER13,
     SCLIENT.replace("stdbuf -o0 -e0 ", ""), "-debug"),
]

HS_NAMES = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket",
            5: "EndOfEarlyData", 8: "EncryptedExtensions", 11: "Certificate",
            12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone",
            15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished",
            22: "CertificateStatus", 24: "KeyUpdate"}
CT_NAMES = {20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData"}
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def find_all(obj, key):
    """All values stored under `key` anywhere below obj (lists flattened)."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                out.extend(as_list(v))
            else:
                out.extend(find_all(v, key))
    elif isinstance(obj, list):
        for v in obj:
            out.extend(find_all(v, key))
    return out


def first(obj, key):
    v = find_all(obj, key)
    return v[0] if v else None


def raw_hex(v):
    """tshark -x gives FIELD_raw as [hex, pos, len, bitmask, type] (or a list of those)."""
    return v[0] if isinstance(v[0], str) else v[0][0]


def tshark_packets(pcap, port, keylog):
    cmd = ["tshark", "-r", pcap, "-d", f"tcp.port=={port},tls", "-o", "tls.keylog_file:" + keylog,
           "--disable-protocol", "http",   # decrypted application data -> data.data (raw bytes)
           "-T", "json", "-x", "--no-duplicate-keys"]
    return json.loads(run(cmd))


def tcp_facts(pcap, port):
    out = run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.stream",
               "-e", "tcp.payload", "-Y", "tcp.len>0"]).decode()
    acc, segs, streams = {"c2s": b"", "s2c": b""}, {"c2s": 0, "s2c": 0}, set()
    for line in out.splitlines():
        sport, stream, payload = line.split("\t")
        d = "s2c" if int(sport) == port else "c2s"
        streams.add(stream)
        acc[d] += bytes.fromhex(payload)
        segs[d] += 1
    assert len(streams) == 1, f"{pcap}: expected one TCP connection, got {streams}"
    bad = run(["tshark", "-r", pcap, "-T", "fields", "-e", "frame.number", "-Y",
               "tcp.analysis.retransmission || tcp.analysis.out_of_order || "
               "tcp.analysis.lost_segment"]).decode().split()
    assert not bad, f"{pcap}: TCP anomalies in frames {bad}"
    return {d: {"segments": segs[d], "bytes": len(acc[d]),
                "sha256": hashlib.sha256(acc[d]).hexdigest()} for d in acc}


def analyse(name, port, keep_bytes=False):
    """keep_bytes: also put the plaintext bytes of each message under "bytes" (check-logs.py)."""
    pcap, keylog = os.path.join(HERE, name + ".pcap"), os.path.join(HERE, name + ".keylog")
    records, messages, appdata = [], [], {"c2s": b"", "s2c": b""}
    hellos = {}      # first ClientHello / ServerHello / EncryptedExtensions / SKE tree
    for pkt in tshark_packets(pcap, port, keylog):
        L = pkt["_source"]["layers"]
        frame = int(L["frame"]["frame.number"])
        d = "s2c" if int(L["tcp"]["tcp.srcport"]) == port else "c2s"
        datas = [bytes.fromhex(raw_hex(x["data.data_raw"])) for x in as_list(L.get("data"))]
        for tls in as_list(L.get("tls")):
            recs = as_list(tls.get("tls.record"))
            raws = as_list(tls.get("tls.record_raw"))
            if raws and isinstance(raws[0], str):   # a single [hex, pos, len, ...] entry
                raws = [raws]
            assert len(recs) == len(raws), (name, frame)
            for rec, raw in zip(recs, raws):
                wire = bytes.fromhex(raw[0])
                opaque = rec.get("tls.record.opaque_type")
                shown = int(rec["tls.record.content_type"])
                outer = int(opaque) if opaque is not None else shown
                assert outer == wire[0]
                length = int(rec["tls.record.length"])
                assert length == len(wire) - 5 == int.from_bytes(wire[3:5], "big")
                ri = len(records)
                records.append({"dir": d, "frame": frame, "outer_type": outer,
                                "inner_type": shown if opaque is not None else None,
                                "version": rec["tls.record.version"], "length": length,
                                "header_hex": wire[:5].hex()})
                base = {"dir": d, "frame": frame, "record": ri, "content_type": shown}
                if shown == 22:
                    hss = as_list(rec.get("tls.handshake"))
                    hraws = as_list(rec.get("tls.handshake_raw"))
                    if hraws and isinstance(hraws[0], str):
                        hraws = [hraws]
                    assert hss and len(hss) == len(hraws), (name, frame, "undecrypted handshake?")
                    for hs, hraw in zip(hss, hraws):
                        assert isinstance(hs, dict) and "tls.handshake.type" in hs, \
                            (name, frame, "encrypted handshake message was not decrypted")
                        body = bytes.fromhex(hraw[0])
                        t = int(hs["tls.handshake.type"])
                        assert body[0] == t
                        nm = HS_NAMES.get(t, f"Handshake({t})")
                        if t == 2 and (first(hs, "tls.handshake.random") or "").replace(":", "") == HRR_RANDOM:
                            nm = "HelloRetryRequest"
                        hellos.setdefault((d, t), hs)
                        messages.append(dict(base, name=nm, handshake_type=t, length=len(body),
                                             sha256=hashlib.sha256(body).hexdigest(),
                                             **({"bytes": body} if keep_bytes else {})))
                elif shown == 21:
                    messages.append(dict(base, name="Alert",
                                         level=int(first(rec, "tls.alert_message.level")),
                                         description=int(first(rec, "tls.alert_message.desc"))))
                elif shown == 20:
                    messages.append(dict(base, name="ChangeCipherSpec"))
                elif shown == 23:
                    assert datas, (name, frame, "application data not decrypted")
                    pt = datas.pop(0)
                    appdata[d] += pt
                    messages.append(dict(base, name="ApplicationData", length=len(pt),
                                         sha256=hashlib.sha256(pt).hexdigest(),
                                         **({"bytes": pt} if keep_bytes else {})))
                else:
                    messages.append(dict(base, name=f"Record({shown})"))
        assert not datas, (name, frame, "unmatched decrypted data")

    ch, sh = hellos[("c2s", 1)], hellos[("s2c", 2)]
    sv = find_all(sh, "tls.handshake.extensions.supported_version")
    version = int(sv[0], 0) if sv else int(sh["tls.handshake.version"], 0)
    suite = int(sh["tls.handshake.ciphersuite"], 0)
    if version == 0x0304:
        ee = hellos.get(("s2c", 8), {})
        alpn = first(ee, "tls.handshake.extensions_alpn_str")
        group = first(sh, "tls.handshake.extensions_key_share_group")
    else:
        alpn = first(sh, "tls.handshake.extensions_alpn_str")
        group = first(hellos.get(("s2c", 12), {}), "tls.handshake.server_named_curve")
    ch_rec = next(r for r in records if r["dir"] == "c2s")

    def by_dir(key):
        return {d: [m[key] for m in messages if m["dir"] == d and key in m] for d in ("c2s", "s2c")}

    def first_line(b):
        return b.split(b"\r\n", 1)[0].decode("latin-1") if b else None

    return {
        "version": version,
        "cipher_suite": suite,
        "cipher_suite_hex": f"0x{suite:04x}",
        "sni": first(ch, "tls.handshake.extensions_server_name"),
        "alpn_offered": find_all(ch, "tls.handshake.extensions_alpn_str"),
        "alpn": alpn,
        "group": int(group, 0) if group is not None else None,
        "client_hello_record_version": ch_rec["version"],
        "client_hello_legacy_version": ch["tls.handshake.version"],
        "supported_versions_offered": [int(x, 0) for x in
                                       find_all(ch, "tls.handshake.extensions.supported_version")],
        "cipher_suites_offered": [int(x, 0) for x in find_all(ch, "tls.handshake.ciphersuite")],
        "records": records,
        "messages": messages,
        "messages_by_direction": by_dir("name"),
        "handshake_types_by_direction": by_dir("handshake_type"),
        "application_data": {d: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest(),
                                 "first_line": first_line(b)} for d, b in appdata.items()},
        "tcp": tcp_facts(pcap, port),
    }


def main():
    tshark = run(["tshark", "--version"]).decode().splitlines()[0]
    for name, port, tool, server, client, opts in LOGS:
        facts = analyse(name, port)
        out = {
            "log": name + ".txt",
            "tool": tool,
            "server": server + f" -accept 127.0.0.1:{port}",
            "client": client.format(port=port, opts=opts).replace("NAME", name),
            "server_port": port,
            "tshark": f"{tshark} on {name}.pcap with -o tls.keylog_file:{name}.keylog",
        }
        out.update(facts)
        with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(f"{name}: version {facts['version']:#06x} suite {facts['cipher_suite_hex']} "
              f"sni {facts['sni']} alpn {facts['alpn']} group {facts['group']}")
        for d in ("c2s", "s2c"):
            print(f"  {d}: {' '.join(facts['messages_by_direction'][d])}")


if __name__ == "__main__":
    main()
