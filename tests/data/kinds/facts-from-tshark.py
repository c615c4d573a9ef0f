#!/usr/bin/env python3
"""Reads every NAME.pcap in this directory with tshark (decrypting with NAME.keylog) and writes

  facts.tsv  one row per (capture, tcp.stream) with the columns
             name stream version cipher_suite sh_extensions resumed_by psk_mode early_data ems etm client_cert hrr hrr_cookie
  README.md  the part between the GENERATED markers: per capture the commands (commands.tsv), and a table per
             TCP connection with what tshark shows.

Only tshark's dissection is used (PDML, plus tshark's TLS debug log for the plaintext length of CBC records).
No TLS Lens code is involved. Run it from anywhere: python3 tests/data/kinds/facts-from-tshark.py
"""
import collections
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))

# capture order (as in make-kinds.sh); other NAME.pcap files present are appended in sorted order
ORDER = """tls13-psk-dhe tls13-psk-ke tls13-0rtt tls13-0rtt-rejected tls12-ticket tls12-sessid tls12-etm tls12-noetm
tls12-noems tls12-mtls tls13-mtls tls10 tls10-gnutls tls12-from13 gnutls-tls13 gnutls-tls13-resume
python-tls12-resume tls13-hrr-cookie tls13-hrr-cookie-only tls11-mtls tls10-mtls-nocas""".split()

HS = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 5: "EndOfEarlyData",
      6: "HelloRetryRequest", 8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange",
      13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify", 16: "ClientKeyExchange",
      20: "Finished", 22: "CertificateStatus", 24: "KeyUpdate", 254: "MessageHash"}
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
ALERTS = {"0": "close_notify", "10": "unexpected_message", "20": "bad_record_mac", "40": "handshake_failure",
          "42": "bad_certificate", "48": "unknown_ca", "50": "decode_error", "70": "protocol_version",
          "80": "internal_error", "90": "user_canceled", "116": "certificate_required"}
ALERT_LEVELS = {"1": "warning", "2": "fatal"}
GROUPS = {"23": "secp256r1", "24": "secp384r1", "25": "secp521r1", "29": "x25519", "30": "x448", "256": "ffdhe2048"}


def groups(vals):
    return ",".join("%s %s" % (g, GROUPS[g]) if g in GROUPS else g for g in vals) if vals else "(none)"
COLUMNS = ["name", "stream", "version", "cipher_suite", "sh_extensions", "resumed_by", "psk_mode", "early_data",
           "ems", "etm", "client_cert", "hrr", "hrr_cookie"]


# ------------------------------------------------------------------ tshark
def run_tshark(name):
    pcap = os.path.join(HERE, name + ".pcap")
    keylog = os.path.join(HERE, name + ".keylog")
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as dbg:
        dbg_path = dbg.name
    try:
        # Every TCP port in these captures carries TLS. Without "Decode As", a client's ephemeral port that
        # happens to be a registered port (e.g. 44322 = pmproxy) hides the TLS from tshark.
        ports = subprocess.run(["tshark", "-n", "-r", pcap, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0",
                                "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport"],
                               check=True, capture_output=True, text=True).stdout.split()
        cmd = ["tshark", "-n", "-r", pcap, "-o", "tls.keylog_file:" + keylog, "-o", "tls.debug_file:" + dbg_path,
               "-T", "pdml"]
        for port in sorted(set(ports), key=int):
            cmd += ["-d", "tcp.port==%s,tls" % port]
        out = subprocess.run(cmd, check=True, capture_output=True).stdout
        with open(dbg_path, errors="replace") as f:
            debug = f.read()
    finally:
        os.unlink(dbg_path)
    return ET.fromstring(out), cbc_plaintext_lengths(debug)


def cbc_plaintext_lengths(debug):
    """frame number -> list (one per TLS record tshark decrypted in that frame, in order) of the CBC plaintext
    length (the "checking mac (len N" line: content length without IV, MAC and padding) or None (AEAD or not
    decrypted)."""
    res = {}
    frame = None
    for line in debug.splitlines():
        m = re.match(r"dissect_ssl enter frame #(\d+) \((first time|not first time)\)", line)
        if m:
            frame = int(m.group(1)) if (m.group(2) == "first time" and int(m.group(1)) not in res) else None
            if frame is not None:
                res[frame] = []
            continue
        if frame is None:
            continue
        if line.startswith("dissect_ssl3_record: content_type"):
            res[frame].append(None)
        m = re.match(r"checking mac \(len (\d+),", line)
        if m and res[frame]:
            res[frame][-1] = int(m.group(1))
    return res


def field(elem, name):
    """first descendant field with this name"""
    for f in elem.iter("field"):
        if f.get("name") == name:
            return f
    return None


def show(elem, name, default=None):
    f = field(elem, name)
    return f.get("show") if f is not None else default


def shows(elem, name):
    return [f.get("show") for f in elem.iter("field") if f.get("name") == name]


def extensions(hs):
    """ordered list of (type, element) for the extensions of one handshake message"""
    exts = []
    for child in hs:
        if child.tag != "field":
            continue
        t = None
        for g in child:
            if g.get("name") == "tls.handshake.extension.type":
                t = int(g.get("show"))
        if t is not None:
            exts.append((t, child))
    return exts


def hexval(f):
    return (f.get("value") or "").lower() if f is not None else ""


# ------------------------------------------------------------------ one capture -> connections
class Conn:
    def __init__(self, stream):
        self.stream = stream
        self.client_port = None
        self.events = []          # (dir, label)
        self.hs = []              # (dir, type, element, frame)

    def msgs(self, d=None, t=None):
        return [(dd, tt, e, fr) for (dd, tt, e, fr) in self.hs if (d is None or dd == d) and (t is None or tt == t)]


def parse_capture(name):
    root, cbc = run_tshark(name)
    conns = collections.OrderedDict()
    for pkt in root.iter("packet"):
        frame = int(show(pkt, "frame.number"))
        stream = show(pkt, "tcp.stream")
        if stream is None:
            continue
        stream = int(stream)
        c = conns.setdefault(stream, Conn(stream))
        src = int(show(pkt, "tcp.srcport"))
        if c.client_port is None and show(pkt, "tcp.flags.syn") == "1" and show(pkt, "tcp.flags.ack") == "0":
            c.client_port = src
        d = "C" if src == c.client_port else "S"
        plain = list(cbc.get(frame, []))
        records = [r for proto in pkt.findall("proto") if proto.get("name") == "tls"
                   for r in proto.iter("field") if r.get("name") == "tls.record"]
        use_plain = len(plain) == len(records)
        for i, rec in enumerate(records):
            cts = [f.get("show") for f in rec if f.get("name") == "tls.record.content_type"]
            opaque = any(f.get("name") == "tls.record.opaque_type" for f in rec)
            ct = int(cts[-1]) if cts else None
            rlen = int(show(rec, "tls.record.length", "0"))
            if ct == 22:
                hss = [h for h in rec if h.get("name") == "tls.handshake"]
                for h in hss:
                    t = show(h, "tls.handshake.type")
                    if t is None:
                        c.events.append((d, "EncryptedHandshake(%d)" % rlen))
                        continue
                    t = int(t)
                    if t == 2 and hexval(field(h, "tls.handshake.random")) == HRR_RANDOM:
                        t = 6   # HelloRetryRequest (a ServerHello with the special random)
                    c.hs.append((d, t, h, frame))
                    c.events.append((d, HS.get(t, "hs%d" % t)))
            elif ct == 20:
                c.events.append((d, "CCS"))
            elif ct == 21:
                desc, level = show(rec, "tls.alert_message.desc"), show(rec, "tls.alert_message.level")
                c.events.append((d, "Alert(%s)" % ("%s %s" % (ALERT_LEVELS.get(level, level), ALERTS.get(desc, desc))
                                                   if desc is not None else "encrypted")))
            elif ct == 23:
                p = plain[i] if use_plain else None
                # client application data after its ClientHello and before its Finished = 0-RTT (early) data
                early = d == "C" and c.msgs("C", 1) and not c.msgs("C", 20)
                c.events.append((d, "%s(%d%s)" % ("EarlyData" if early else "AppData", rlen,
                                                  "" if p is None else "; plaintext %d" % p)))
            else:
                c.events.append((d, "record(ct=%s,%d)" % (ct, rlen)))
    return conns


# ------------------------------------------------------------------ facts for one connection
def hs_types(conn, d):
    return [t for (dd, t, _, _) in conn.hs if dd == d]


def conn_facts(name, conn):
    f = collections.OrderedDict()
    chs = conn.msgs("C", 1)
    shs = conn.msgs("S", 2)
    hrrs = conn.msgs("S", 6)
    ees = conn.msgs("S", 8)
    ch = chs[-1][2] if chs else None
    ch1 = chs[0][2] if chs else None
    sh = shs[0][2] if shs else None
    sh_exts = extensions(sh) if sh is not None else []
    sh_ext_types = [t for t, _ in sh_exts]
    ch_exts = dict(extensions(ch)) if ch is not None else {}

    version = None
    if sh is not None:
        sv = [e for t, e in sh_exts if t == 43]
        version = show(sv[0], "tls.handshake.extensions.supported_version") if sv else show(sh, "tls.handshake.version")
    cipher = show(sh, "tls.handshake.ciphersuite") if sh is not None else None
    tls13 = version == "0x0304"

    server_cert = bool(conn.msgs("S", 11))
    ch_sid = hexval(field(ch, "tls.handshake.session_id")) if ch is not None else ""
    sh_sid = hexval(field(sh, "tls.handshake.session_id")) if sh is not None else ""
    ticket_len = None
    if 35 in ch_exts:
        ticket_len = int(show(ch_exts[35], "tls.handshake.extension.len"))
    resumed = "none"
    if sh is not None:
        if tls13:
            if 41 in sh_ext_types:
                resumed = "psk"
        elif not server_cert:
            if ticket_len:
                resumed = "ticket"
            elif ch_sid and ch_sid == sh_sid:
                resumed = "session_id"
    psk_mode = "-"
    if resumed == "psk":
        psk_mode = "psk_dhe_ke" if 51 in sh_ext_types else "psk_ke"

    early = "none"
    if 42 in ch_exts:
        if ees:
            early = "accepted" if 42 in [t for t, _ in extensions(ees[0][2])] else "rejected"
        else:
            early = "offered"

    client_cert = 0
    for (_, _, e, _) in conn.msgs("C", 11):
        if int(show(e, "tls.handshake.certificates_length", "0")) > 0:
            client_cert = 1
    hrr = hrrs[0][2] if hrrs else None
    hrr_exts = dict(extensions(hrr)) if hrr is not None else {}

    f["name"] = name
    f["stream"] = conn.stream
    f["version"] = version or "-"
    f["cipher_suite"] = cipher or "-"
    f["sh_extensions"] = ",".join(str(t) for t in sh_ext_types) if sh is not None else "-"
    f["resumed_by"] = resumed
    f["psk_mode"] = psk_mode
    f["early_data"] = early
    f["ems"] = int(23 in sh_ext_types)
    f["etm"] = int(22 in sh_ext_types)
    f["client_cert"] = client_cert
    f["hrr"] = int(hrr is not None)
    f["hrr_cookie"] = int(44 in hrr_exts)

    # ---- details for the README only
    det = collections.OrderedDict()

    def seq(d):
        ts = hs_types(conn, d)
        return ", ".join("%s(%d)" % (HS.get(t, "?"), t if t != 6 else 2) for t in ts) or "-"

    det["handshake C→S (tls.handshake.type)"] = seq("C")
    det["handshake S→C (tls.handshake.type)"] = seq("S")
    det["records C→S"] = " · ".join(l for d, l in conn.events if d == "C") or "-"
    det["records S→C"] = " · ".join(l for d, l in conn.events if d == "S") or "-"
    fins = {d for (d, t, _, _) in conn.hs if t == 20}
    det["decrypted (both Finished visible)"] = "yes" if fins == {"C", "S"} else "NO (Finished seen from: %s)" % (
        ",".join(sorted(fins)) or "none")
    det["version (SH supported_versions / SH version)"] = version or "-"
    if sh is not None:
        det["ServerHello legacy version"] = show(sh, "tls.handshake.version")
    det["cipher suite"] = cipher or "-"
    det["ServerHello extensions"] = f["sh_extensions"]
    det["ClientHello extensions" + (" (2nd ClientHello)" if len(chs) > 1 else "")] = ",".join(
        str(t) for t in ch_exts) if ch is not None else "-"
    if len(chs) > 1:
        det["ClientHello extensions (1st ClientHello)"] = ",".join(str(t) for t, _ in extensions(ch1))
    det["ClientHello supported_versions"] = ",".join(shows(ch_exts[43], "tls.handshake.extensions.supported_version")) \
        if 43 in ch_exts else "(absent)"
    psk_sel = [e for t, e in sh_exts if t == 41]
    det["SH pre_shared_key selected_identity"] = show(psk_sel[0], "tls.handshake.extensions.psk.identity.selected") \
        if psk_sel else "(absent)"
    if 41 in ch_exts:
        ids = shows(ch_exts[41], "tls.handshake.extensions.psk.identity.identity_length")
        det["CH pre_shared_key identities (identity lengths)"] = "%d (%s)" % (len(ids), ",".join(ids))
    else:
        det["CH pre_shared_key identities (identity lengths)"] = "(absent)"
    det["CH psk_key_exchange_modes"] = ",".join(
        {"0": "0 psk_ke", "1": "1 psk_dhe_ke"}.get(m, m) for m in shows(ch_exts[45], "tls.extension.psk_ke_mode")) \
        if 45 in ch_exts else "(absent)"
    det["CH key_share groups"] = groups(shows(ch_exts[51], "tls.handshake.extensions_key_share_group")) \
        if 51 in ch_exts else "(absent)"
    if len(chs) > 1:
        e1 = dict(extensions(ch1))
        det["1st CH key_share groups"] = groups(shows(e1[51], "tls.handshake.extensions_key_share_group")) \
            if 51 in e1 else "(absent)"
    ks = [e for t, e in sh_exts if t == 51]
    det["SH key_share group"] = groups([show(ks[0], "tls.handshake.extensions_key_share_group")]) if ks else "(absent)"
    if hrr is not None:
        det["HRR extensions"] = ",".join(str(t) for t in hrr_exts)
        det["HRR selected_group"] = groups([show(hrr_exts[51], "tls.handshake.extensions_key_share_selected_group")]) \
            if 51 in hrr_exts else "(no key_share)"
        det["HRR cookie length"] = show(hrr_exts[44], "tls.handshake.extensions.cookie_len") if 44 in hrr_exts \
            else "(no cookie)"
        det["2nd CH cookie length"] = show(ch_exts[44], "tls.handshake.extensions.cookie_len") if 44 in ch_exts \
            else "(no cookie)"
    else:
        det["HelloRetryRequest"] = "no"
    det["session id length CH / SH"] = "%s / %s" % (
        show(ch, "tls.handshake.session_id_length", "-") if ch is not None else "-",
        show(sh, "tls.handshake.session_id_length", "-") if sh is not None else "-")
    det["SH echoes CH session id"] = ("yes" if ch_sid and ch_sid == sh_sid else "no") if sh is not None else "-"
    det["CH session_ticket extension"] = "(absent)" if ticket_len is None else (
        "empty" if ticket_len == 0 else "carries a ticket (%d bytes)" % ticket_len)
    if 35 in sh_ext_types:
        det["SH session_ticket extension"] = "present (server will send NewSessionTicket)"
    nsts = conn.msgs("S", 4)
    if nsts:
        det["NewSessionTicket ticket lengths"] = ",".join(show(e, "tls.handshake.session_ticket_length", "?")
                                                          for (_, _, e, _) in nsts)
        med = [show(e, "tls.early_data.max_early_data_size") for (_, _, e, _) in nsts]
        if any(m is not None for m in med):
            det["NewSessionTicket max_early_data_size"] = ",".join(m or "-" for m in med)
    det["early_data in CH"] = "yes" if 42 in ch_exts else "no"
    det["early_data in EE"] = ("yes" if 42 in [t for t, _ in extensions(ees[0][2])] else "no") if ees else \
        "(no EncryptedExtensions)"
    det["EndOfEarlyData"] = "yes" if conn.msgs("C", 5) else "no"
    det["CertificateRequest from server"] = "yes" if conn.msgs("S", 13) else "no"
    ccs = conn.msgs("C", 11)
    det["client Certificate"] = "no" if not ccs else ", ".join(
        "%s certificate(s), certificates_length %s" % (len(shows(e, "tls.handshake.certificate")),
                                                      show(e, "tls.handshake.certificates_length"))
        for (_, _, e, _) in ccs)
    det["client CertificateVerify"] = "yes" if conn.msgs("C", 15) else "no"
    if sh is not None and not tls13:
        rnd = hexval(field(sh, "tls.handshake.random"))
        tail = rnd[-16:]
        det["SH random last 8 bytes"] = tail + (" (DOWNGRD sentinel!)" if tail[:14] == "444f574e475244"
                                                else " (no downgrade sentinel)")
    return f, det


# ------------------------------------------------------------------ output
def read_commands():
    cmds = collections.OrderedDict()
    p = os.path.join(HERE, "commands.tsv")
    if os.path.exists(p):
        with open(p) as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t", 2)
                if len(parts) == 3:
                    cmds.setdefault(parts[0], []).append((parts[1], parts[2]))
    return cmds


def md_escape(s):
    return str(s).replace("|", "\\|")


def main():
    names = [n for n in ORDER if os.path.exists(os.path.join(HERE, n + ".pcap"))]
    names += sorted(f[:-5] for f in os.listdir(HERE) if f.endswith(".pcap") and f[:-5] not in names)
    cmds = read_commands()
    rows, sections, problems = [], [], []
    for name in names:
        conns = parse_capture(name)
        per = [conn_facts(name, c) for c in conns.values() if c.hs]
        problems += ["%s stream %d: no TLS handshake message dissected" % (name, c.stream)
                     for c in conns.values() if not c.hs]
        rows += [f for f, _ in per]
        for f, det in per:
            if not det["decrypted (both Finished visible)"].startswith("yes"):
                problems.append("%s stream %s: %s" % (name, f["stream"], det["decrypted (both Finished visible)"]))
        lines = ["### `%s`" % name, ""]
        if name in cmds:
            lines += ["```"] + ["# %s\n%s" % (role, cmd) for role, cmd in cmds[name]] + ["```", ""]
        keys = []
        for _, det in per:
            for k in det:
                if k not in keys:
                    keys.append(k)
        lines.append("| tshark | " + " | ".join("tcp.stream %s" % f["stream"] for f, _ in per) + " |")
        lines.append("|---" * (len(per) + 1) + "|")
        for k in keys:
            lines.append("| %s | " % k + " | ".join(md_escape(det.get(k, "")) for _, det in per) + " |")
        lines.append("")
        sections.append("\n".join(lines))

    with open(os.path.join(HERE, "facts.tsv"), "w") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for f in rows:
            fh.write("\t".join(str(f[c]) for c in COLUMNS) + "\n")

    readme = os.path.join(HERE, "README.md")
    begin, end = "<!-- BEGIN GENERATED by facts-from-tshark.py -->", "<!-- END GENERATED -->"
    text = open(readme).read() if os.path.exists(readme) else "# kinds\n\n%s\n%s\n" % (begin, end)
    versions = ""
    vp = os.path.join(HERE, "versions.txt")
    if os.path.exists(vp):
        versions = "Tool versions (`versions.txt`, written by make-kinds.sh):\n\n```\n%s```\n\n" % open(vp).read()
    gen = "%s\n%s%s\n%s" % (begin, versions, "\n".join(sections), end)
    if begin in text and end in text:
        text = text[:text.index(begin)] + gen + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + gen + "\n"
    with open(readme, "w") as fh:
        fh.write(text)

    print("facts.tsv: %d rows from %d captures" % (len(rows), len(names)))
    for p in problems:
        print("NOT DECRYPTED:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
