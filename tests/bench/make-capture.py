#!/usr/bin/env python3
"""Make a big pcap of real TLS traffic for the TLS Lens scan benchmark (tests/bench/run.sh).

  sudo tests/bench/make-capture.py --mb 100                      # -> tests/bench/out/lo-100mb.pcap
  sudo tests/bench/make-capture.py --mb 400 --out /tmp/x.pcap
  sudo tests/bench/make-capture.py --mb 100 --mtu 1500           # -> tests/bench/out/veth1500-100mb.pcap

Needs root (tcpdump; for --mtu 1500 also network namespaces), tcpdump, openssl, curl, python3 (ssl).

What it does
  * starts `tcpdump -s 0 -B 65536 -w OUT 'tcp port 44500 or tcp port 44501 or tcp port 44502'` (on lo, or on a
    veth in --mtu 1500 mode),
  * starts a threaded Python `ssl` server (a separate process, certs from tests/data/certs/) on 3 ports:
        44500  "main"   TLS 1.2 + 1.3, wide TLS 1.2 cipher list (ECDHE/DHE/static RSA, GCM/CHACHA/CBC), tickets
        44501  "p256"   TLS 1.2 + 1.3, only group P-256 -> TLS 1.3 clients whose first key share is x25519 get a
                        HelloRetryRequest
        44502  "tls12"  TLS 1.2 only, no session tickets (session-ID resumption)
    It speaks a tiny HTTP/1.1 subset: "GET|POST /N?chunk=K" -> reads the request body (Content-Length), answers with
    N bytes, written K bytes per send (small K = many small TLS records), then close_notify + close.
  * runs WORKERS concurrent client loops (so connections overlap and flows interleave in the capture); each connection
    is one of: Python ssl (~80%: TLS 1.3 / TLS 1.2 with a fixed cipher, SNI or not, ALPN or not, session resumption,
    POST uploads, some abrupt closes), `curl` (~10%) or `openssl s_client` (~10%), all with varied sizes,
  * stops starting new connections once the capture file reaches --mb MB, waits for the running ones, stops tcpdump and
    checks that tcpdump's "dropped by kernel" is 0 (otherwise exit 1 and the capture is not kept).

Writes OUT (the pcap), OUT.keylog (NSS key log of all clients, unless --no-keylog) and OUT.json (manifest: connection
counts, sizes, versions, timings). Prints the number of connections, the file size and how long it took.
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CERTS = os.path.normpath(os.path.join(HERE, "..", "data", "certs"))
HOST = "tls-lens.example"
PORT_MAIN, PORT_P256, PORT_TLS12 = 44500, 44501, 44502
PORTS = (PORT_MAIN, PORT_P256, PORT_TLS12)
# Only the 3 server ports (not the whole 44500-44599 range): our listeners hold them, so no unrelated loopback
# connection can use them as its ephemeral port, and nothing else ends up in the capture.
BPF = "tcp port %d or tcp port %d or tcp port %d" % PORTS
# --mtu 1500 mode: two namespaces joined by a veth pair (names chosen not to clash with tests/data/mtu1280/make.sh)
CNS, SNS, CDEV, SDEV = "tlbench-c", "tlbench-s", "tlb-c", "tlb-s"
CIP, SIP = "10.98.0.1", "10.98.0.2"

DATA = os.urandom(1 << 20)  # payload source (it is encrypted anyway)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ============================================================================ server (separate process)
def server_main(ip, tmp):
    chain = os.path.join(tmp, "chain.pem")
    key = os.path.join(CERTS, "server.key")
    dh = os.path.join(tmp, "dh.pem")

    def ctx(kind):
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        c.load_cert_chain(chain, key)  # leaf + CA -> Certificate carries 2 certs
        c.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:ECDHE+AES:DHE+AES:RSA+AESGCM:RSA+AES"
                      ":!aNULL:!eNULL:!PSK:!SRP:!DSS:!ECDSA")
        c.load_dh_params(dh)
        c.set_alpn_protocols(["http/1.1"])  # only HTTP/1.1 is spoken; clients offering h2 get http/1.1
        if kind == "p256":
            c.set_ecdh_curve("prime256v1")
        if kind == "tls12":
            c.maximum_version = ssl.TLSVersion.TLSv1_2
            c.options |= ssl.OP_NO_TICKET
        return c

    def handle(conn, c):
        conn.settimeout(60)
        t = None
        try:
            t = c.wrap_socket(conn, server_side=True)
            buf = b""
            while b"\r\n\r\n" not in buf:
                d = t.recv(65536)
                if not d:
                    return
                buf += d
            head, _, body = buf.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            path = lines[0].split(b" ")[1].decode()
            clen = 0
            for h in lines[1:]:
                if h.lower().startswith(b"content-length:"):
                    clen = int(h.split(b":", 1)[1])
            got = len(body)
            while got < clen:
                d = t.recv(65536)
                if not d:
                    return
                got += len(d)
            m = re.match(r"/(\d+)(?:\?chunk=(\d+))?", path)
            n = int(m.group(1)) if m else 1000
            chunk = int(m.group(2)) if m and m.group(2) else 1 << 20
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n" % n)
            mv = memoryview(DATA)
            off = 0
            while off < n:
                k = min(chunk, n - off, len(DATA))
                t.sendall(mv[:k])
                off += k
            try:
                t.unwrap().close()  # close_notify, wait for the client's
                t = None
            except (OSError, ssl.SSLError, ValueError):
                pass
        except (OSError, ssl.SSLError, ValueError, IndexError):
            pass
        finally:
            try:
                (t or conn).close()
            except OSError:
                pass

    def listen(port, kind):
        c = ctx(kind)
        ls = socket.create_server((ip, port), backlog=256)
        def loop():
            while True:
                conn, _ = ls.accept()
                threading.Thread(target=handle, args=(conn, c), daemon=True).start()
        threading.Thread(target=loop, daemon=True).start()

    listen(PORT_MAIN, "main")
    listen(PORT_P256, "p256")
    listen(PORT_TLS12, "tls12")
    print("ready", flush=True)
    signal.sigwait([signal.SIGTERM, signal.SIGINT])


# ============================================================================ clients (separate process)
def logu(rng, lo, hi):
    """log-uniform integer in [lo, hi]"""
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


PY_TLS12_CIPHERS = ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
                    "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "AES128-GCM-SHA256",
                    "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA", "AES128-SHA"]
CURL_VARIANTS = [
    (PORT_MAIN, ["--tlsv1.3", "--tls13-ciphers", "TLS_AES_128_GCM_SHA256"]),
    (PORT_MAIN, ["--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256"]),
    (PORT_MAIN, ["--tlsv1.3", "--curves", "P-384"]),
    (PORT_MAIN, ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"]),
    (PORT_MAIN, ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-CHACHA20-POLY1305"]),
    (PORT_MAIN, ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "DHE-RSA-AES128-GCM-SHA256", "--no-alpn"]),
    (PORT_P256, ["--tlsv1.3", "--curves", "X25519:P-256"]),          # HelloRetryRequest
    (PORT_TLS12, ["--ciphers", "ECDHE-RSA-AES128-SHA256"]),
]
SCLIENT_VARIANTS = [
    (PORT_MAIN, ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]),
    (PORT_MAIN, ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-groups", "P-256"]),
    (PORT_MAIN, ["-tls1_3", "-noservername"]),                          # no SNI
    (PORT_MAIN, ["-tls1_2", "-cipher", "AES256-GCM-SHA384"]),          # static RSA
    (PORT_MAIN, ["-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384", "-alpn", "http/1.1"]),
    (PORT_MAIN, ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"]),       # CBC, SHA-1 MAC
    (PORT_P256, ["-tls1_3", "-groups", "X25519:P-256"]),               # HelloRetryRequest
    (PORT_TLS12, ["-cipher", "ECDHE-RSA-AES256-GCM-SHA384", "-alpn", "h2,http/1.1"]),
]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n


def clients_main(a):
    rng0 = random.Random(a.seed)
    stats = Stats()
    stop = threading.Event()
    ca = os.path.join(CERTS, "ca.pem")
    keylog = a.keylog or None
    ctx_cache, sess_cache, cache_lock = {}, {}, threading.Lock()
    # upload bodies for curl --data-binary
    up_files = []
    for i, sz in enumerate([700, 5000, 20000, 60000, 150000]):
        p = os.path.join(a.tmp, "up%d.bin" % i)
        with open(p, "wb") as f:
            f.write(DATA[:sz])
        up_files.append((p, sz))
    child_env = dict(os.environ)
    if keylog:
        child_env["SSLKEYLOGFILE"] = keylog

    def sizes(rng):
        # response: 65% log-uniform 10 KB..200 KB, 35% small (100 B..4 KB); chunking: mostly large writes
        n = logu(rng, 10_000, 200_000) if rng.random() < 0.65 else logu(rng, 100, 4000)
        r = rng.random()
        chunk = (1 << 20) if r < 0.6 else (rng.randint(1024, 8192) if r < 0.9 else rng.randint(100, 600))
        return n, chunk

    def py_ctx(key):
        with cache_lock:
            c = ctx_cache.get(key)
            if c:
                return c
            ver, cipher, alpn, sni = key
            c = ssl.create_default_context(cafile=ca)
            if not sni:
                c.check_hostname = False  # still verifies the chain
            if ver == "1.2":
                c.maximum_version = ssl.TLSVersion.TLSv1_2
                c.set_ciphers(cipher)
            if alpn:
                c.set_alpn_protocols(alpn)
            if keylog:
                c.keylog_filename = keylog
            ctx_cache[key] = c
            return c

    def py_conn(rng):
        r = rng.random()
        port = PORT_MAIN if r < 0.75 else (PORT_P256 if r < 0.85 else PORT_TLS12)
        ver = "1.3" if (port != PORT_TLS12 and rng.random() < 0.55) else "1.2"
        cipher = rng.choice(PY_TLS12_CIPHERS) if ver == "1.2" else None
        alpn = rng.choice([["h2", "http/1.1"], ["http/1.1"], None])
        sni = rng.random() < 0.93
        key = (ver, cipher, tuple(alpn) if alpn else None, sni)
        c = py_ctx(key)
        sess = None
        if rng.random() < 0.25:
            with cache_lock:
                sess = sess_cache.get((port, key))
        n, chunk = sizes(rng)
        body = logu(rng, 200, 60_000) if rng.random() < 0.2 else 0
        s = socket.create_connection((a.ip, port), timeout=60)
        try:
            t = c.wrap_socket(s, server_hostname=HOST if sni else None, session=sess)
            if body:
                req = (b"POST /%d?chunk=%d HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n"
                       % (n, chunk, HOST.encode(), body))
                t.sendall(req)
                mv = memoryview(DATA)
                off = 0
                step = rng.choice([1 << 20, 4096, 1000])
                while off < body:
                    k = min(step, body - off)
                    t.sendall(mv[:k])
                    off += k
            else:
                t.sendall(b"GET /%d?chunk=%d HTTP/1.1\r\nHost: %s\r\n\r\n" % (n, chunk, HOST.encode()))
            got = 0
            abrupt = rng.random() < 0.08
            while True:
                d = t.recv(65536)
                if not d:
                    break
                got += len(d)
                if abrupt and got > n // 2:
                    break  # hang up mid-response without close_notify (server sees a reset / broken pipe)
            stats.add("py_tls" + t.version()[-3:].replace("v1.", "1."))
            if t.session_reused:
                stats.add("py_resumed")
            if port == PORT_P256 and ver == "1.3":
                stats.add("py_hrr")
            if not sni:
                stats.add("no_sni")
            if t.session is not None:
                with cache_lock:
                    sess_cache[(port, key)] = t.session
            if abrupt:
                stats.add("py_abrupt_close")
                t.close()
            else:
                try:
                    t.unwrap().close()
                except (OSError, ssl.SSLError, ValueError):
                    t.close()
            stats.add("bytes_down", got)
            stats.add("bytes_up", body)
        finally:
            s.close()

    def curl_conn(rng):
        port, extra = rng.choice(CURL_VARIANTS)
        n, chunk = sizes(rng)
        cmd = ["curl", "-sS", "--max-time", "60", "--cacert", ca, "--resolve", "%s:%d:%s" % (HOST, port, a.ip),
               "-o", "/dev/null"] + extra
        if rng.random() < 0.2:
            p, sz = rng.choice(up_files)
            cmd += ["--data-binary", "@" + p, "-H", "Content-Type: application/octet-stream"]
            stats.add("bytes_up", sz)
        cmd.append("https://%s:%d/%d?chunk=%d" % (HOST, port, n, chunk))
        subprocess.run(cmd, env=child_env, check=True, timeout=90, stdin=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
        stats.add("curl")
        stats.add("bytes_down", n)

    def sclient_conn(rng):
        port, extra = rng.choice(SCLIENT_VARIANTS)
        n, chunk = sizes(rng)
        cmd = ["openssl", "s_client", "-connect", "%s:%d" % (a.ip, port), "-quiet", "-CAfile", ca,
               "-verify_return_error"]
        if "-noservername" not in extra:
            cmd += ["-servername", HOST]
        else:
            stats.add("no_sni")
        if keylog:
            cmd += ["-keylogfile", keylog]
        cmd += extra
        req = b"GET /%d?chunk=%d HTTP/1.1\r\nHost: %s\r\n\r\n" % (n, chunk, HOST.encode())
        # -quiet implies -ign_eof: s_client keeps reading after stdin's EOF until the server closes
        subprocess.run(cmd, input=req, check=True, timeout=90, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stats.add("s_client")
        stats.add("bytes_down", n)

    def worker(wid):
        rng = random.Random(rng0.random() + wid)
        while not stop.is_set():
            r = rng.random()
            kind, fn = (("python", py_conn) if r < 0.80 else ("curl", curl_conn) if r < 0.90
                        else ("s_client", sclient_conn))
            try:
                fn(rng)
                stats.add("connections")
            except subprocess.CalledProcessError as e:
                stats.add("errors")
                stats.add("connections")  # the TCP connection happened
                log("%s failed: %s %s" % (kind, " ".join(e.cmd[:12]), (e.stderr or b"")[-300:]))
            except Exception as e:  # noqa: BLE001 - count and carry on, but say what it was
                stats.add("errors")
                stats.add("connections")
                log("%s failed: %r" % (kind, e))
            if a.pause:
                time.sleep(a.pause)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(a.workers)]
    t0 = time.time()
    for t in threads:
        t.start()
    last = 0
    while True:
        time.sleep(0.2)
        try:
            size = os.path.getsize(a.pcap)
        except OSError:
            size = 0
        if size >= a.target or time.time() - t0 > a.max_seconds:
            break
        if time.time() - last > 10:
            last = time.time()
            log("  %6.1f s  %5d connections  %7.1f MB" % (time.time() - t0, stats.c.get("connections", 0), size / 1e6))
    stop.set()
    for t in threads:
        t.join(120)
    print(json.dumps(stats.c), flush=True)


# ============================================================================ orchestration
def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout


def netns_setup():
    netns_cleanup()
    sh("ip", "netns", "add", CNS)
    sh("ip", "netns", "add", SNS)
    sh("ip", "link", "add", CDEV, "netns", CNS, "mtu", "1500", "type", "veth",
       "peer", "name", SDEV, "netns", SNS, "mtu", "1500")
    for ns, dev, ip in ((CNS, CDEV, CIP), (SNS, SDEV, SIP)):
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", dev, "up")
        # no TSO/GSO/GRO and no tx checksum offload: every frame in the pcap is a real <= 1500-byte packet
        sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off", "gro", "off")
        mtu = re.search(r" mtu (\d+) ", sh("ip", "-n", ns, "-o", "link", "show", dev)).group(1)
        if mtu != "1500":
            raise SystemExit("mtu %s != 1500 on %s" % (mtu, dev))


def netns_cleanup():
    for ns in (CNS, SNS):
        subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_server":
        return server_main(sys.argv[2], sys.argv[3])
    if len(sys.argv) > 1 and sys.argv[1] == "_clients":
        p = argparse.ArgumentParser()
        p.add_argument("_role")
        for k in ("ip", "pcap", "tmp", "keylog"):
            p.add_argument("--" + k, default="")
        p.add_argument("--target", type=int)
        p.add_argument("--workers", type=int)
        p.add_argument("--seed", type=int)
        p.add_argument("--pause", type=float)
        p.add_argument("--max-seconds", type=float)
        return clients_main(p.parse_args())

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mb", type=float, default=100, help="stop once the capture reaches this size (MB = 10^6 bytes)")
    p.add_argument("--out", help="output pcap (default: tests/bench/out/lo-MBmb.pcap or veth1500-MBmb.pcap)")
    p.add_argument("--mtu", type=int, choices=(65536, 1500), default=65536,
                   help="65536 = loopback (default); 1500 = veth pair between two network namespaces")
    p.add_argument("--workers", type=int, default=8, help="concurrent client loops (default 8)")
    p.add_argument("--pause", type=float, default=0.0, help="seconds each worker sleeps between connections")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-seconds", type=float, default=1800)
    p.add_argument("--no-keylog", action="store_true", help="do not write OUT.keylog")
    a = p.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root (tcpdump%s)" % (", network namespaces" if a.mtu == 1500 else ""))
    for tool in ("tcpdump", "openssl", "curl") + (("ip", "ethtool") if a.mtu == 1500 else ()):
        if not shutil.which(tool):
            raise SystemExit("missing tool: " + tool)
    mbname = ("%g" % a.mb).replace(".", "_")
    out = os.path.abspath(a.out or os.path.join(HERE, "out", "%s-%smb.pcap" % (
        "lo" if a.mtu == 65536 else "veth1500", mbname)))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    part = out + ".part"
    keylog = "" if a.no_keylog else out + ".keylog"
    for f in (part, keylog, out + ".json"):
        if f and os.path.exists(f):
            os.remove(f)
    tmp = tempfile.mkdtemp(prefix="tls-lens-bench-")
    with open(os.path.join(tmp, "chain.pem"), "w") as f:
        f.write(open(os.path.join(CERTS, "server.pem")).read() + open(os.path.join(CERTS, "ca.pem")).read())
    sh("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
       "-out", os.path.join(tmp, "dh.pem"))

    veth = a.mtu == 1500
    srv_ns = ["ip", "netns", "exec", SNS] if veth else []
    cli_ns = ["ip", "netns", "exec", CNS] if veth else []
    ip = SIP if veth else "127.0.0.1"
    iface = SDEV if veth else "lo"
    procs = []
    t0 = time.time()
    ok = False
    try:
        if veth:
            netns_setup()
        tdlog = open(os.path.join(tmp, "tcpdump.log"), "w+")
        tcpdump = subprocess.Popen(srv_ns + ["tcpdump", "-i", iface, "-Z", "root", "-s", "0", "-B", "65536",
                                             "-w", part, BPF], stdout=tdlog, stderr=tdlog)
        procs.append(tcpdump)
        for _ in range(100):
            time.sleep(0.1)
            if "listening on" in open(tdlog.name).read():
                break
        else:
            raise SystemExit("tcpdump did not start: " + open(tdlog.name).read())
        server = subprocess.Popen(srv_ns + [sys.executable, os.path.abspath(__file__), "_server", ip, tmp],
                                  stdout=subprocess.PIPE, text=True)
        procs.append(server)
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("server did not start")
        log("capturing on %s (mtu %d) -> %s, target %.0f MB, %d workers" % (iface, a.mtu, out, a.mb, a.workers))
        cl = subprocess.Popen(cli_ns + [sys.executable, os.path.abspath(__file__), "_clients", "--ip", ip,
                                        "--pcap", part, "--tmp", tmp, "--keylog", keylog,
                                        "--target", str(int(a.mb * 1e6)), "--workers", str(a.workers),
                                        "--seed", str(a.seed), "--pause", str(a.pause),
                                        "--max-seconds", str(a.max_seconds)],
                              stdout=subprocess.PIPE, text=True)
        procs.append(cl)
        stats = json.loads(cl.communicate()[0].strip().splitlines()[-1])
        time.sleep(1)  # last FIN/ACKs
        tcpdump.send_signal(signal.SIGINT)
        tcpdump.wait(60)
        td = open(tdlog.name).read()
        dropped = re.search(r"(\d+) packets? dropped by kernel", td)
        captured = re.search(r"(\d+) packets? captured", td)
        dropped = int(dropped.group(1)) if dropped else -1
        elapsed = time.time() - t0
        size = os.path.getsize(part)
        man = {
            "file": os.path.basename(out), "bytes": size, "mtu": a.mtu, "interface": iface,
            "connections": stats.get("connections", 0), "errors": stats.get("errors", 0),
            "packets": int(captured.group(1)) if captured else None, "dropped_by_kernel": dropped,
            "seconds": round(elapsed, 1), "workers": a.workers, "seed": a.seed, "clients": stats,
            "versions": {"python": sys.version.split()[0], "python_ssl": ssl.OPENSSL_VERSION,
                         "openssl": sh("openssl", "version").strip(), "curl": sh("curl", "--version").splitlines()[0],
                         "tcpdump": sh("tcpdump", "--version").splitlines()[0]},
        }
        print("tcpdump: " + " / ".join(l.strip() for l in td.splitlines() if "packets" in l))
        print("connections: %d (python %d, curl %d, s_client %d; errors %d)" % (
            man["connections"], sum(v for k, v in stats.items() if k in ("py_tls1.2", "py_tls1.3")),
            stats.get("curl", 0), stats.get("s_client", 0), man["errors"]))
        print("clients: " + json.dumps(stats, sort_keys=True))
        print("file: %s  %d bytes (%.1f MB)" % (out, size, size / 1e6))
        print("generation took %.1f s" % elapsed)
        if dropped != 0:
            print("ERROR: tcpdump dropped %s packets (or no drop line): capture discarded; "
                  "try fewer --workers or --pause 0.01" % dropped, file=sys.stderr)
            return 1
        os.replace(part, out)
        with open(out + ".json", "w") as f:
            json.dump(man, f, indent=1)
            f.write("\n")
        ok = True
        return 0
    finally:
        for pr in procs:
            if pr.poll() is None:
                pr.terminate()
                try:
                    pr.wait(10)
                except subprocess.TimeoutExpired:
                    pr.kill()
        if veth:
            netns_cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
        if not ok and os.path.exists(part):
            os.remove(part)


if __name__ == "__main__":
    sys.exit(main() or 0)
