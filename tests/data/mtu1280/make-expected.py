#!/usr/bin/env python3
"""Build NAME.hex, NAME.full.hex and NAME.expected.json for the MTU-1280 captures made by
tests/data/mtu1280/make.sh, and self-check them.

All helpers (tshark PDML walking, ClientHello/ServerHello/certificate facts with the openssl
cross-checks, the minimal pcap reader, the marked-hex writer/parser) are IMPORTED from
../make-expected.py, which is not modified. What is different here:
  * TLS 1.3 `messages`/`messages_full`: EVERY application_data (23) record is "EncryptedRecord",
    also after the handshake (the parent script says "ApplicationData" after the client Finished).
    TLS 1.2 is unchanged (ApplicationData after the handshake).
  * `segments_per_message` (TLS 1.2: {"Certificate": n}) from tshark's TCP reassembly
    (`tcp.segments` / `tcp.segment` in the frame where the Certificate record was reassembled,
    `tcp.reassembled_in` in the others), cross-checked against the byte ranges of the raw segments.
    TLS 1.3: the same for the encrypted record that decrypts to the Certificate
    (`encrypted_certificate_record`), `segments_per_message` is {}.
  * `client` / `server` endpoints, `mss`, `max_tcp_payload`, `max_ip_len`; the check that no
    segment carries more than 1240 bytes of TCP payload (tshark `tcp.len`).

Run: python3 tests/data/mtu1280/make-expected.py [NAME ...]
"""
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("parent_expected", os.path.join(HERE, "..", "make-expected.py"))
P = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(P)

PORT = 4433
CLIENT_IP, SERVER_IP = "10.99.0.1", "10.99.0.2"
VETH = ("two network namespaces (tlc 10.99.0.1 / tls 10.99.0.2) joined by a veth pair with mtu 1280 on both "
        "ends, TSO/GSO/GRO/tx-checksum offload off; tcpdump -i veth-s in the server namespace")
GNUTLS_SERV = ("gnutls-serv --port 4433 --x509certfile chain.pem (leaf + CA) --x509keyfile server.key "
               "--alpn h2 --alpn http/1.1 --echo --disable-client-cert")
GNUTLS_CLI = ("(printf 'ping\\n'; sleep 1) | SSLKEYLOGFILE=NAME.keylog gnutls-cli --port 4433 --sni-hostname "
              "tls-lens.example --verify-hostname tls-lens.example --x509cafile ca.pem --alpn h2")
CAPTURES = [
    ("gnutls-tls13", f"{GNUTLS_SERV} <- {GNUTLS_CLI} 10.99.0.2 (default priority)"),
    ("gnutls-tls12", f"{GNUTLS_SERV} <- {GNUTLS_CLI} --priority NORMAL:-VERS-ALL:+VERS-TLS1.2 10.99.0.2"),
    ("python-tls13", "pypeer.py server (Python ssl PROTOCOL_TLS_SERVER, leaf + CA, ALPN h2,http/1.1) <- "
                     "pypeer.py client (create_default_context(cafile=ca.pem), server_hostname tls-lens.example, "
                     "ALPN h2,http/1.1, keylog_filename); ping/pong, unwrap() on both sides"),
    ("python-tls12", "pypeer.py server with maximum_version=TLSv1_2 (server only; the client still offers "
                     "TLS 1.3) <- pypeer.py client (as python-tls13); ping/pong, unwrap() on both sides"),
    ("openssl-tls12-mtu", "openssl s_server -accept 10.99.0.2:4433 -naccept 1 -cert server.pem -key server.key "
                          "-cert_chain ca.pem -www -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -alpn h2,http/1.1 "
                          "-no_ticket <- SSLKEYLOGFILE=NAME.keylog curl -sk --http2 --max-time 3 --tls-max 1.2 "
                          "--tlsv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --resolve tls-lens.example:4433:10.99.0.2 "
                          "https://tls-lens.example:4433/"),
]


def versions():
    def line(cmd):
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    return {
        "tshark": line(["tshark", "--version"]),
        "openssl": line(["openssl", "version"]),
        "curl": line(["curl", "--version"]),
        "gnutls": line(["gnutls-cli", "--version"]),
        "python": line([sys.executable, "--version"]) + " / ssl " + line(
            [sys.executable, "-c", "import ssl; print(ssl.OPENSSL_VERSION)"]),
    }


def records_with_segments(root, port):
    """P.records_from_pdml plus, per record, the frames (TCP segments) that carried it:
    the tcp.segment list of the `tcp.segments` tree that precedes a reassembled tls proto
    (pos 0, size == tcp.reassembled.length), else just the current frame."""
    recs = []
    for pkt in root.iter("packet"):
        frame = int(P.first(pkt, "frame.number"))
        d = "s2c" if int(P.first(pkt, "tcp.srcport")) == port else "c2s"
        pending = None
        for proto in pkt.findall("proto"):
            segs = [f for f in proto.iter("field") if f.get("name") == "tcp.segments"]
            if segs:
                s = segs[0]
                pending = (int(P.first(s, "tcp.reassembled.length")),
                           [int(f.get("show")) for f in s.findall("field") if f.get("name") == "tcp.segment"])
                continue
            if proto.get("name") != "tls":
                continue
            if pending and proto.get("pos") == "0" and int(proto.get("size")) == pending[0]:
                carried, pending = pending[1], None
            else:
                carried = [frame]
            for rec in proto.findall("field"):
                if rec.get("name") != "tls.record":
                    continue
                kids = {}
                for k in rec.findall("field"):
                    kids.setdefault(k.get("name"), k.get("show"))
                opaque = kids.get("tls.record.opaque_type")
                shown = kids.get("tls.record.content_type")
                recs.append(dict(
                    frame=frame, dir=d, segments=carried,
                    ct=int(opaque) if opaque is not None else int(shown),
                    inner=int(shown) if (opaque is not None and shown is not None) else None,
                    version=kids.get("tls.record.version"),
                    length=int(kids["tls.record.length"]),
                    hs=[k for k in rec.findall("field") if k.get("name") == "tls.handshake"],
                    elem=rec))
    return recs


def classify(recs, tls13):
    """P.classify_plain, except that in TLS 1.3 every type-23 record is an EncryptedRecord."""
    items, end_idx = P.classify_plain(recs, tls13)
    if tls13:
        items = [(d, "EncryptedRecord" if recs[i]["ct"] == 23 else n, i) for d, n, i in items]
    return items, end_idx


def tshark_lines(pcap, *args):
    return subprocess.run(["tshark", "-r", pcap, *args], check=True, capture_output=True,
                          text=True).stdout.split("\n")


def wire_checks(pcap):
    """No TCP payload > 1240 bytes, no IP packet > 1280 bytes; MSS and endpoints from the SYN."""
    big = [l for l in tshark_lines(pcap, "-Y", "tcp.len > 1240", "-T", "fields", "-e", "frame.number") if l]
    assert not big, f"{pcap}: TCP payload > 1240 in frames {big}"
    rows = [l.split("\t") for l in tshark_lines(pcap, "-T", "fields", "-e", "tcp.len", "-e", "ip.len") if l]
    max_tcp = max(int(r[0]) for r in rows)
    max_ip = max(int(r[1]) for r in rows)
    assert max_tcp <= 1240 and max_ip <= 1280, (max_tcp, max_ip)
    syn = [l.split("\t") for l in tshark_lines(pcap, "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0", "-T", "fields",
                                               "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst",
                                               "-e", "tcp.dstport", "-e", "tcp.options.mss_val") if l]
    assert len(syn) == 1, syn
    cip, cport, sip, sport, mss = syn[0]
    assert (cip, sip, int(sport)) == (CLIENT_IP, SERVER_IP, PORT), syn
    # tcp.reassembled_in (needs two-pass -2): every non-final segment of a reassembled PDU points at the final frame
    reas = {}
    for l in tshark_lines(pcap, "-2", "-d", f"tcp.port=={PORT},tls", "-o", "tls.keylog_file:", "-T", "fields",
                          "-e", "frame.number", "-e", "tcp.reassembled_in"):
        if l and l.split("\t")[1]:
            f, r = l.split("\t")
            reas[int(f)] = [int(x) for x in r.split(",")]
    return {"client": f"{cip}:{cport}", "server": f"{sip}:{sport}", "mss": int(mss),
            "max_tcp_payload": max_tcp, "max_ip_len": max_ip}, reas


def seg_offsets(segs, d):
    """[(frame, start, end)] stream offsets of direction d's segments."""
    out, pos = [], 0
    for f, dd, b in segs:
        if dd == d:
            out.append((f, pos, pos + len(b)))
            pos += len(b)
    return out


def frames_covering(offs, start, end):
    return [f for f, a, b in offs if a < end and b > start]


def raw_s2c_records(segs):
    """[(start, end, type, body)] of the s2c records, from the raw bytes."""
    buf = P.by_dir(segs)["s2c"]
    out, i = [], 0
    while i + 5 <= len(buf):
        ln = int.from_bytes(buf[i + 3:i + 5], "big")
        out.append((i, i + 5 + ln, buf[i], buf[i + 5:i + 5 + ln]))
        i += 5 + ln
    return out


def build(name, how, vers):
    pcap = os.path.join(HERE, name + ".pcap")
    keylog = os.path.join(HERE, name + ".keylog")
    segs = P.tshark_segments(pcap, PORT)
    raw = P.raw_pcap_segments(pcap, PORT)
    assert segs == raw, f"{name}: tshark tcp.payload != raw pcap payloads"
    wire, reassembled_in = wire_checks(pcap)

    plain = records_with_segments(P.pdml(pcap, PORT), PORT)
    dec = records_with_segments(P.pdml(pcap, PORT, keylog), PORT) if os.path.exists(keylog) else None

    shs = [h for r in plain if r["ct"] == 22 for h in r["hs"] if P.hs_type(h) == 2]
    sh = [h for h in shs if not P.is_hrr(h)][0]
    assert not [h for h in shs if P.is_hrr(h)], f"{name}: unexpected HRR"
    shf = P.server_hello_facts(sh)
    version = shf["supported_version"] or shf["legacy_version"]
    tls13 = version == 0x0304

    items, end_idx = classify(plain, tls13)
    assert end_idx is not None, f"{name}: handshake end not found"
    end_frame = plain[end_idx]["frame"]
    hs_items = [(d, n) for d, n, i in items if i <= end_idx]
    hs_segs = [s for s in segs if s[0] <= end_frame]

    with open(os.path.join(HERE, name + ".hex"), "w") as f:
        f.write(P.marked_hex(hs_segs))
    with open(os.path.join(HERE, name + ".full.hex"), "w") as f:
        f.write(P.marked_hex(segs))
    for fn, want in ((name + ".hex", hs_segs), (name + ".full.hex", segs)):
        got = P.parse_marked_hex(open(os.path.join(HERE, fn)).read())
        assert [(d, bytes(b)) for d, b in got] == [(d, b) for _, d, b in want], fn
    hs_dir, full_dir = P.by_dir(hs_segs), P.by_dir(segs)
    for d in ("c2s", "s2c"):
        recs, left = P.split_records(hs_dir[d])
        assert left == 0, f"{name}: handshake hex {d} does not end on a record boundary"
        want = [(r["ct"], P.ival(r["version"]), r["length"]) for i, r in enumerate(plain)
                if r["dir"] == d and i <= end_idx]
        assert recs == want, f"{name}: record walk != tshark records ({d})"
        recs, left = P.split_records(full_dir[d])
        assert left == 0 and len(recs) == len([r for r in plain if r["dir"] == d]), name

    # ---- segments carrying the server Certificate
    offs = seg_offsets(segs, "s2c")
    raw_recs = raw_s2c_records(segs)
    s2c_plain = [r for r in plain if r["dir"] == "s2c"]
    assert len(raw_recs) == len(s2c_plain)
    seg_info, enc_cert = {}, None
    if not tls13:
        k = [i for i, r in enumerate(s2c_plain) if r["ct"] == 22 and 11 in [P.hs_type(h) for h in r["hs"]]][0]
        ts_frames = s2c_plain[k]["segments"]
        # independent: byte range of the Certificate *message* (4-byte header + body) in the s2c stream
        a, _, typ, body = raw_recs[k]
        j = 0
        while body[j] != 11:
            j += 4 + int.from_bytes(body[j + 1:j + 4], "big")
        start = a + 5 + j
        end = start + 4 + int.from_bytes(body[j + 1:j + 4], "big")
        byte_frames = frames_covering(offs, start, end)
        assert ts_frames == byte_frames, (name, ts_frames, byte_frames)
        assert all(reassembled_in.get(f) == [ts_frames[-1]] for f in ts_frames[:-1]), (name, reassembled_in)
        assert len(ts_frames) >= 2, f"{name}: Certificate fits one segment"
        seg_info = {"Certificate": len(ts_frames)}
        cert_frames = ts_frames
    else:
        s2c_dec = [r for r in dec if r["dir"] == "s2c"]
        k = [i for i, r in enumerate(s2c_dec) if r["inner"] == 22 and 11 in [P.hs_type(h) for h in r["hs"]]][0]
        ts_frames = s2c_plain[k]["segments"]
        assert s2c_dec[k]["segments"] == ts_frames
        a, b, typ, _ = raw_recs[k]
        assert typ == 23
        byte_frames = frames_covering(offs, a, b)
        assert ts_frames == byte_frames, (name, ts_frames, byte_frames)
        assert all(reassembled_in.get(f) == [ts_frames[-1]] for f in ts_frames[:-1]), (name, reassembled_in)
        assert len(ts_frames) >= 2, f"{name}: Certificate record fits one segment"
        enc_cert = {"segments": len(ts_frames), "frames": ts_frames, "s2c_record_index": k,
                    "record_length": s2c_plain[k]["length"],
                    "how": "the s2c application_data record whose decryption (tshark + NAME.keylog) is the "
                           "Certificate; frames from tcp.segment of its reassembly"}
        cert_frames = ts_frames

    # ---- facts (as in the parent script)
    ch_list = [h for r in plain if r["ct"] == 22 for h in r["hs"] if P.hs_type(h) == 1]
    chf = P.client_hello_facts(ch_list[0])
    src = dec if dec is not None else plain
    cert_msgs = [h for r in src for h in r["hs"] if P.hs_type(h) == 11]
    certs = [P.cert_facts(c) for c in P.fields(cert_msgs[0], "tls.handshake.certificate")] if cert_msgs else []
    ske = [h for r in plain for h in r["hs"] if P.hs_type(h) == 12]
    cke = [h for r in plain for h in r["hs"] if P.hs_type(h) == 16]
    ee = [h for r in (dec or []) for h in r["hs"] if P.hs_type(h) == 8]
    if tls13:
        group = shf["key_share_group"]
        alpn = (P.strs(P.ext_block(ee[0], 16), "tls.handshake.extensions_alpn_str") or [None])[0] if ee else None
        alpn_source = "EncryptedExtensions (decrypted by tshark with NAME.keylog)"
    else:
        sc = P.first(ske[0], "tls.handshake.server_named_curve") if ske else None
        group = P.ival(sc) if sc else None
        alpn = shf["alpn"]
        alpn_source = "ServerHello"

    client_tool = vers["gnutls"] if name.startswith("gnutls") else vers["python"] if name.startswith("python") \
        else vers["curl"]
    server_tool = vers["gnutls"].replace("gnutls-cli", "gnutls-serv") if name.startswith("gnutls") \
        else vers["python"] if name.startswith("python") else vers["openssl"]
    exp = {
        "source": f"{how}; {VETH}; facts read from the pcap with {vers['tshark']} (PDML); certificate facts "
                  f"cross-checked with {vers['openssl']}; server {server_tool}; client {client_tool}",
        "client": wire["client"],
        "server": wire["server"],
        "version": version,
        "cipher_suite": shf["cipher_suite"],
        "sni": chf["sni"],
        "alpn_offered": chf["alpn_offered"],
        "alpn": alpn,
        "group": group,
        "messages": [list(x) for x in hs_items],
        "segments_per_message": seg_info,
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
        "server_port": PORT,
        "alpn_source": alpn_source,
        "certificate_frames": cert_frames,
        "encrypted_certificate_record": enc_cert,
        "mss": wire["mss"],
        "max_tcp_payload": wire["max_tcp_payload"],
        "max_ip_len": wire["max_ip_len"],
        "client_hello_legacy_version": chf["legacy_version"],
        "client_hello_session_id_length": chf["session_id_length"],
        "client_hello_record_version": P.ival(plain[0]["version"]),
        "server_hello_legacy_version": shf["legacy_version"],
        "server_hello_extensions": shf["extensions"],
        "server_hello_session_id_length": shf["session_id_length"],
        "messages_full": [[d, n] for d, n, _ in items],
        "messages_decrypted": P.classify_decrypted(dec) if dec is not None else None,
        "records": [[r["dir"], r["ct"], P.ival(r["version"]), r["length"]] for r in plain[:end_idx + 1]],
        "records_full": [[r["dir"], r["ct"], P.ival(r["version"]), r["length"]] for r in plain],
        "record_segments_full": [r["segments"] for r in plain],
        "handshake_end_frame": end_frame,
        "segments_handshake": len(hs_segs),
        "segments_full": len(segs),
        "bytes_handshake": {d: len(b) for d, b in hs_dir.items()},
        "bytes_full": {d: len(b) for d, b in full_dir.items()},
        "keylog": name + ".keylog" if dec is not None else None,
    }
    if ske:
        s = ske[0]

        def num(fld, f=int):
            v = P.first(s, fld)
            return f(v) if v else None
        exp["server_key_exchange"] = {
            "named_curve": group,
            "server_point_len": num("tls.handshake.server_point_len"),
            "dh_p_len": num("tls.handshake.p_len"),
            "dh_g_len": num("tls.handshake.g_len"),
            "dh_ys_len": num("tls.handshake.ys_len"),
            "sig_hash_alg": num("tls.handshake.sig_hash_alg", P.ival),
            "signature_len": num("tls.handshake.sig_len"),
        }
    if cke:
        c = cke[0]

        def cnum(fld):
            v = P.first(c, fld)
            return int(v) if v else None
        exp["client_key_exchange"] = {
            "client_point_len": cnum("tls.handshake.client_point_len"),
            "dh_yc_len": cnum("tls.handshake.yc_len"),
            "encrypted_pms_len": cnum("tls.handshake.epms_len"),
        }
    if dec is not None and tls13:
        cv = [h for r in dec for h in r["hs"] if P.hs_type(h) == 15]
        exp["certificate_verify_sig_hash_alg"] = P.ival(P.first(cv[0], "tls.handshake.sig_hash_alg")) if cv else None
    # ---- decrypted sanity: every record decrypted; 1.3 handshake slice ends with the client Finished
    if dec is not None:
        assert len(dec) == len(plain)
        if tls13:
            assert all(r["inner"] is not None for r in dec if r["ct"] == 23), f"{name}: undecrypted records"
            last = dec[end_idx]
            assert last["dir"] == "c2s" and last["inner"] == 22 and [P.hs_type(h) for h in last["hs"]][-1] == 20, \
                f"{name}: handshake slice does not end with the client Finished"
        else:
            fins = [r for r in dec if r["ct"] == 22 and r["hs"] and P.hs_type(r["hs"][0]) == 20]
            assert [r["dir"] for r in fins] == ["c2s", "s2c"], f"{name}: TLS 1.2 Finished not decrypted"
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(exp, f, indent=2)
        f.write("\n")
    return exp


def main():
    vers = versions()
    only = sys.argv[1:]
    for name, how in CAPTURES:
        if only and name not in only:
            continue
        if not os.path.exists(os.path.join(HERE, name + ".pcap")):
            print(f"{name}: no pcap, skipped")
            continue
        e = build(name, how, vers)
        print(f"{name}: {e['client']} -> {e['server']} v={e['version']:#06x} cs={e['cipher_suite']:#06x} "
              f"group={e['group']} alpn={e['alpn']} certs={len(e['certificates'])} "
              f"cert segments={e['certificate_frames']} max tcp.len={e['max_tcp_payload']}")
        print("   messages_full:", " ".join(("C:" if d == "c2s" else "S:") + n for d, n in e["messages_full"]))
    print("all self-checks passed")


if __name__ == "__main__":
    main()
