#!/usr/bin/python3
"""live.py — typosentry capturing live, on a veth pair between two network
namespaces made for the test, with real servers and clients.

  server namespace: dnsmasq (DNS, MX records for typo domains), Postfix's
                    smtp-sink (SMTP), and typosentry on the server's veth
  client namespace: dig and swaks; tcpreplay

Tests:
  live-alerts     typosentry as a daemon (--daemon --pidfile), dropping
                  root (-u nobody -g nogroup), alerts to EVE and to a real
                  rsyslogd: MX lookups and RCPT TO for typo domains alert
                  within a second of the packet (measured); in_iface in
                  the records; /proc/PID/status shows the ids changed and
                  no capability but CAP_NET_RAW and CAP_NET_ADMIN; stats
                  records; SIGHUP; the interface deleted and created again
                  (capture resumes, as nobody); SIGTERM.
  live-alerts-immediate  the same with --immediate (one packet at a time)
  live-workers    --workers 2: one PACKET_FANOUT group; tcpreplay of lookups
                  from 200 clients and a recorded delivery: the alerts and
                  the incident of one worker offline; each worker's share,
                  per-worker stats and their sums.
  live-tcpreplay  tcpreplay --topspeed of a large capture onto the veth:
                  what typosentry read plus what it reports dropped equals
                  what tcpreplay sent.
  live-vxlan      dig to dnsmasq inside a kernel VXLAN overlay (VNI 100,
                  UDP 4789) between the namespaces; typosentry on the
                  underlay veth with the built-in configuration, so its
                  default live filter: the lookup alerts, with Suricata's
                  tunnel object naming the underlay endpoints.

usage: live.py BINARY TEST   (exit 0 pass, 1 fail, 77 skip)
       live.py --list

Needs root, network namespaces and veth; skips (77) with a message when
they are not available.  Every process started is stopped by its PID, the
namespaces are deleted, the temporary directory removed.
"""
import ctypes
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as L  # noqa: E402

SKIP = 77
C4, S4, MX4, SINK4 = "192.0.2.1", "192.0.2.53", "192.0.2.25", "192.0.2.99"
C_MAC, S_MAC = "02:00:00:00:05:01", "02:00:00:00:05:53"


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(cmd, timeout=30, ok=True):
    out = subprocess.run(cmd, capture_output=True, timeout=timeout)
    if ok and out.returncode != 0:
        raise Fail("%s: exit %d: %s" % (" ".join(cmd), out.returncode,
                                         out.stderr.decode()[-1000:]))
    return out


class Net:
    """Two namespaces joined by a veth pair, IPv4 only, static neighbours."""

    def __init__(self):
        tag = "%d" % os.getpid()
        self.c = "ts-live-c-" + tag
        self.s = "ts-live-s-" + tag
        self.procs = []

    def up(self):
        for ns in (self.c, self.s):
            out = run(["ip", "netns", "add", ns], ok=False)
            if out.returncode != 0:
                raise Skip("cannot create a network namespace: " +
                           out.stderr.decode().strip())
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                 "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1"])
        self.veth()

    def veth(self):
        out = run(["ip", "link", "add", "c-veth", "netns", self.c, "type",
                   "veth", "peer", "name", "s-veth", "netns", self.s],
                  ok=False)
        if out.returncode != 0:
            raise Skip("cannot create a veth pair: " +
                       out.stderr.decode().strip())
        run(["ip", "-n", self.c, "link", "set", "c-veth", "address", C_MAC])
        run(["ip", "-n", self.s, "link", "set", "s-veth", "address", S_MAC])
        run(["ip", "-n", self.c, "addr", "add", C4 + "/24", "dev", "c-veth"])
        for a in (S4, MX4):
            run(["ip", "-n", self.s, "addr", "add", a + "/24", "dev",
                 "s-veth"])
        run(["ip", "-n", self.c, "link", "set", "c-veth", "up"])
        run(["ip", "-n", self.s, "link", "set", "s-veth", "up"])
        for a in (S4, MX4, SINK4):
            run(["ip", "-n", self.c, "neigh", "replace", a, "lladdr", S_MAC,
                 "dev", "c-veth", "nud", "permanent"])
        run(["ip", "-n", self.s, "neigh", "replace", C4, "lladdr", C_MAC,
             "dev", "s-veth", "nud", "permanent"])

    def ns(self, which):
        return ["ip", "netns", "exec", self.c if which == "c" else self.s]

    def start(self, which, cmd, log):
        f = open(log, "wb")
        p = subprocess.Popen(self.ns(which) + cmd, stdout=f,
                             stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        p.logf = f
        self.procs.append(p)
        return p

    def down(self):
        for p in reversed(self.procs):
            L.stop_proc(p)
            p.logf.close()
        for ns in (self.c, self.s):
            if os.path.exists("/run/netns/" + ns):
                subprocess.run(["ip", "netns", "del", ns],
                               capture_output=True)


def wait_listen(net, proto, addr, port, proc, log, what):
    flag = "-ltn" if proto == "t" else "-lun"

    def ready():
        if proc.poll() is not None:
            raise Fail("%s exited: %s" % (what, open(log).read()))
        out = run(net.ns("s") + ["ss", "-H", flag, "src", addr, "sport", "= :%d" % port],
                  ok=False)
        return out.stdout.strip() != b""
    L.wait_for(ready, 10, what + " listening", 0.05)


def servers(net, d):
    dns = net.start("s", [
        "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--pid-file=", "--no-resolv", "--no-hosts", "--no-poll",
        "--bind-interfaces", "--listen-address=" + S4, "--user=nobody",
        "--group=nogroup", "--log-facility=-",
        "--local=/army.mil/army.ml/gmail.com/gmial.com/",
        "--mx-host=army.ml,mail.army.ml,10",
        "--mx-host=gmial.com,mx.gmial.com,10",
        "--mx-host=gmail.com,gmail-smtp-in.l.google.com,5"],
        os.path.join(d, "dnsmasq.log"))
    wait_listen(net, "u", S4, 53, dns, os.path.join(d, "dnsmasq.log"),
                "dnsmasq")
    sink = net.start("s", ["smtp-sink", "-4", "-u", "nobody", MX4 + ":25",
                           "10"], os.path.join(d, "sink.log"))
    wait_listen(net, "t", MX4, 25, sink, os.path.join(d, "sink.log"),
                "smtp-sink")


def subreaper():
    """Orphans (the daemon, once its parents exit) become our children."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap(pid, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got == pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    return "still running"


def status_fields(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


class Watch:
    """Records when lines first appear in files (polled every 2 ms)."""

    def __init__(self, path):
        self.path = path
        self.seen = 0
        self.lines = []      # (appeared, text)

    def poll(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb") as f:
            data = f.read()
        now = time.time()
        parts = data.split(b"\n")
        for p in parts[self.seen:-1]:
            self.lines.append((now, p.decode("utf-8", "replace")))
        self.seen = len(parts) - 1


def until(watches, cond, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for w in watches:
            w.poll()
        if cond():
            return
        time.sleep(0.002)
    raise Fail("timed out after %.1f s waiting for %s" % (timeout, what))


def t_live_alerts(binary, d, extra=()):
    net = Net()
    rs = L.Rsyslog(d)
    pid = None
    try:
        net.up()
        servers(net, d)
        rs.start()
        logdir = os.path.join(d, "log")
        os.mkdir(logdir)
        piddir = os.path.join(d, "run")
        os.mkdir(piddir)
        shutil.chown(piddir, "nobody", "nogroup")
        os.chmod(d, 0o755)
        cfg = os.path.join(d, "cfg.yaml")
        L.shipped_config(cfg, stats_interval="1", syslog_enabled="true",
                         syslog_facility="local5")
        pidfile = os.path.join(piddir, "typosentry.pid")
        subreaper()
        t_start = time.monotonic()
        out = subprocess.run(
            net.ns("s") + L.private_dev(d, rs.sock) +
            [binary, "-i", "s-veth", "-c", cfg, "-l", logdir, "--daemon",
             "--pidfile", pidfile, "-u", "nobody", "-g", "nogroup"] +
            list(extra),
            capture_output=True, timeout=30)
        check(out.returncode == 0, "start: exit %d: %s" %
              (out.returncode, out.stderr.decode()))
        pid = int(L.wait_for(lambda: os.path.exists(pidfile) and
                             open(pidfile).read().strip(), 10, "pidfile"))
        L.wait_for(lambda: any("capturing on 1 interface" in m[3]
                               for m in rs.messages()), 10,
                   "'capturing on' in syslog")
        print("live: daemon PID %d up in %.2f s" %
              (pid, time.monotonic() - t_start))

        # Privileges: ids changed, only the capture capabilities left.
        st = status_fields(pid)
        print("live: after -u nobody -g nogroup: Uid %s, Gid %s, Groups %s,"
              " CapEff %s, CapPrm %s, CapInh %s, CapBnd %s, CapAmb %s, "
              "NoNewPrivs %s" % (st["Uid"], st["Gid"], st["Groups"],
                                 st["CapEff"], st["CapPrm"], st["CapInh"],
                                 st["CapBnd"], st["CapAmb"],
                                 st.get("NoNewPrivs")))
        check(st["Uid"].split() == ["65534"] * 4, "Uid " + st["Uid"])
        check(st["Gid"].split() == ["65534"] * 4, "Gid " + st["Gid"])
        check(st["Groups"] == "65534", "Groups " + st["Groups"])
        caps = (1 << 12) | (1 << 13)   # CAP_NET_ADMIN, CAP_NET_RAW
        for k in ("CapEff", "CapPrm", "CapBnd"):
            check(int(st[k], 16) == caps, "%s %s" % (k, st[k]))
        for k in ("CapInh", "CapAmb"):
            check(int(st[k], 16) == 0, "%s %s" % (k, st[k]))
        check(st.get("NoNewPrivs") == "1", "NoNewPrivs")
        stat = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        check(stat[4] == "0", "the daemon has a terminal")

        eve = Watch(os.path.join(logdir, "eve.json"))
        slog = Watch(rs.out)
        latencies = []

        def eve_alerts():
            return [r for r in (json.loads(t) for _, t in eve.lines
                                if '"event_type":"alert"' in t)
                    if L.is_alert(r)]

        def measure(name, cmd, field):
            """Runs the client in the background while watching the
            files, so that a line is timed when it appears."""
            n0 = len(eve_alerts())
            s0 = len(slog.lines)
            client = subprocess.Popen(net.ns("c") + cmd,
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            try:
                until([eve, slog], lambda: any(
                    name in json.dumps(r[field] if field in r else r)
                    for r in eve_alerts()[n0:]), 5, "an alert for " + name)
                until([eve, slog], lambda: len(slog.lines) - s0 >=
                      len(eve_alerts()) - n0, 3, "the syslog lines for " +
                      name)
            finally:
                client.wait(30)
            time.sleep(0.2)
            until([eve, slog], lambda: len(slog.lines) - s0 >=
                  len(eve_alerts()) - n0, 3, "the syslog lines for " + name)
            new = [(seen, r) for seen, r in
                   ((seen, json.loads(t)) for seen, t in eve.lines
                    if '"event_type":"alert"' in t) if L.is_alert(r)][n0:]
            for seen, r in new:
                lat = seen - L.rfc3339(r["timestamp"])
                latencies.append(("eve", name, lat))
            for seen, t in slog.lines[s0:]:
                m = re.match(r"(\S+) (\S+) typosentry\[\d+\]: (\[1:.*)$", t)
                if not m:
                    continue
                check(m.group(2) == "local5.notice", "priority " + t)
                # Packet time of the alert this line is about.
                pt = min(L.rfc3339(r["timestamp"]) for _, r in new)
                latencies.append(("syslog", name, seen - pt))
            return [r for _, r in new]

        def dig(name):
            return ["dig", "+tries=1", "+time=2", "@" + S4, "MX", name]

        a1 = measure("army.ml", dig("army.ml"), "dns")
        a2 = measure("gmial.com", dig("gmial.com"), "dns")
        n0 = len(eve_alerts())
        run(net.ns("c") + dig("gmail.com"), ok=False)
        swaks = ["swaks", "--server", MX4, "--port", "25", "--from",
                 "alice@example.org", "--to", "john@army.ml", "--ehlo",
                 "client.example.org", "--timeout", "10"]
        a3 = measure("john@army.ml", swaks, "smtp")
        check(not any("gmail.com" == r["alert"]["context"]["typo"]
                      ["observed"] for r in eve_alerts()[n0:]),
              "an alert for gmail.com")
        for r in a1 + a2 + a3:
            check(r.get("in_iface") == "s-veth", "in_iface %r" %
                  r.get("in_iface"))
            check("pcap_cnt" not in r and "pcap_filename" not in r,
                  "pcap fields in a live record")
        check(any(r["app_proto"] == "smtp" for r in a3), "no SMTP alert")
        def latency_report():
            worst = max(l for _, _, l in latencies)
            print("live: %d latencies (packet time to line in the file), "
                  "worst %.3f s: %s" % (len(latencies), worst, ", ".join(
                      "%s %s %.3f" % x for x in latencies)))
            check(worst < 1.0, "an alert took %.3f s" % worst)
        latency_report()

        # SIGHUP: reload and reopen, capture goes on.
        os.kill(pid, signal.SIGHUP)
        L.wait_for(lambda: any("reloaded" in m[3] for m in rs.messages()),
                   5, "the reload in syslog")
        measure("gmial.com", dig("gmial.com"), "dns")

        # The interface goes away and comes back: capture resumes, as nobody.
        run(["ip", "-n", net.s, "link", "del", "s-veth"])
        L.wait_for(lambda: any("capture stopped" in m[3]
                               for m in rs.messages()), 5,
                   "'capture stopped' in syslog")
        time.sleep(1.5)
        net.veth()
        L.wait_for(lambda: any("capture resumed" in m[3]
                               for m in rs.messages()), 20,
                   "'capture resumed' in syslog")
        del latencies[:]
        measure("army.ml", dig("army.ml"), "dns")
        latency_report()
        downs = [m[3] for m in rs.messages() if "s-veth" in m[3]]
        print("live: " + " | ".join(downs))
        check(all(m[1].startswith("daemon.") for m in rs.messages()
                  if not m[3].startswith("[1:")), "sensor messages not on "
              "facility daemon")

        # Stats records, with pcap's figures.
        until([eve], lambda: sum('"event_type":"stats"' in t
                                 for _, t in eve.lines) >= 2, 5,
              "stats records")
        os.kill(pid, signal.SIGTERM)
        rc = reap(pid, 10)
        check(rc == 0, "exit after SIGTERM: %r" % rc)
        pid = None
        eve.poll()
        recs = [json.loads(t) for _, t in eve.lines]
        errs = L.schema_errors(recs)
        check(not errs, errs[:3])
        stats = [r["stats"] for r in recs if r["event_type"] == "stats"]
        last = stats[-1]
        check(last["capture"]["kernel_packets"] >= last["decoder"]["pkts"] > 0,
              "capture figures %r" % last["capture"])
        check(last["capture"]["errors"] >= 1, "the interface failure is "
              "not counted: %r" % last["capture"])
        L.wait_for(lambda: any("kernel:" in m[3] for m in rs.messages()), 5,
                   "the exit summary in syslog")
        check(not os.path.exists(pidfile), "pidfile left behind")
    finally:
        if pid is not None:
            L.stop_pid(pid)
            reap(pid, 5)
        rs.stop()
        net.down()


def dns_query(sport, qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", 15, 1)
    udp = struct.pack("!HHHH", sport, 53, 8 + len(q), 0) + q
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), qid, 0, 64, 17,
                     0, bytes(map(int, C4.split("."))),
                     bytes(map(int, SINK4.split("."))))
    csum = 0
    for i in range(0, 20, 2):
        csum += (ip[i] << 8) | ip[i + 1]
    while csum >> 16:
        csum = (csum & 0xffff) + (csum >> 16)
    ip = ip[:10] + struct.pack("!H", ~csum & 0xffff) + ip[12:]
    eth = bytes.fromhex(S_MAC.replace(":", "")) + \
        bytes.fromhex(C_MAC.replace(":", "")) + b"\x08\x00"
    return eth + ip + udp


def dns_query_from(src, sport, qid, name):
    """dns_query() from another client address."""
    pkt = bytearray(dns_query(sport, qid, name))
    pkt[26:30] = bytes(map(int, src.split(".")))
    ip = pkt[14:34]
    ip[10:12] = b"\0\0"
    csum = sum((ip[i] << 8) | ip[i + 1] for i in range(0, 20, 2))
    while csum >> 16:
        csum = (csum & 0xffff) + (csum >> 16)
    pkt[24:26] = struct.pack("!H", ~csum & 0xffff)
    return bytes(pkt)


def alert_keys(records):
    """What an alert says, whatever the capture time and worker: sid,
    endpoints, observed name; a summary's client, name and evidence."""
    out = []
    for r in records:
        if r.get("event_type") != "alert":
            continue
        a = r["alert"]
        inc = a.get("context", {}).get("incident", {})
        if inc.get("summary"):
            out.append("summary %s %s %s %s %s %s" % (
                inc["client"], inc["observed"], inc["lookups"],
                inc["smtp_sessions"], inc["recipient_accepted"],
                inc["message_accepted"]))
        else:
            out.append("%d %s %s %s" % (a["signature_id"], r["src_ip"],
                                        r["dest_ip"],
                                        a["context"]["typo"]["observed"]))
    return sorted(out)


def t_live_workers(binary, d):
    """--workers 2 on a veth: one fanout group; tcpreplay of lookups from
    200 clients, of a recorded delivery (lookup, session, acceptance) and
    of the recorded VXLAN captures (a delivery inside the overlay; two
    tenants on the same inner addresses): the alerts and the incidents are
    those of one worker reading the same capture, so the kernel's program
    followed the tunnels to the inner clients; each worker took its share;
    per-worker stats records and their sums."""
    _, _, recs = L.read_pcap("pcaps/correlate-delivered.pcap")
    for extra in ("pcaps/vxlan-mx-smtp.pcap", "pcaps/vxlan-two-tenants.pcap"):
        recs = recs + L.read_pcap(extra)[2]
    cap = os.path.join(d, "mix.pcap")
    with open(cap, "wb") as f:
        f.write(L.pcap_header(1))
        for i in range(2000):
            src = "198.18.%d.%d" % (i % 200 // 100, 1 + i % 100)
            pkt = dns_query_from(src, 2000 + i, i, "army.ml")
            f.write(L.pcap_record(1700000000, i, pkt))
        for sec, usec, data, orig in recs:
            f.write(L.pcap_record(sec, usec, data, orig))
    net = Net()
    proc = None
    try:
        net.up()
        cfg = os.path.join(d, "cfg.yaml")
        L.shipped_config(cfg, stats_interval="1", alerts_max_per_second="0",
                         capture_filter='""')
        errf = open(os.path.join(d, "stderr"), "wb")
        proc = subprocess.Popen(net.ns("s") + [binary, "-i", "s-veth", "-c",
                                               cfg, "-l", d, "--workers",
                                               "2"],
                                stdout=subprocess.DEVNULL, stderr=errf)
        L.wait_for(lambda: "capturing on" in open(
            os.path.join(d, "stderr")).read() or proc.poll() is not None, 10,
            "capture to start")
        check(proc.poll() is None, open(os.path.join(d, "stderr")).read())
        tr = run(net.ns("c") + ["tcpreplay", "-i", "c-veth", "--pps",
                                "4000", cap], timeout=120)
        m = re.search(r"Successful packets:\s+(\d+)", tr.stdout.decode())
        check(m, "tcpreplay said: " + tr.stdout.decode())
        sent = int(m.group(1))
        path = os.path.join(d, "eve.json")

        def sums():
            st = [r for r in L.eve_records(path)
                  if r["event_type"] == "stats" and "engine" not in r]
            return st[-1]["stats"] if st else None

        L.wait_for(lambda: sums() is not None and
                   sums()["decoder"]["pkts"] +
                   sums()["capture"]["kernel_drops"] >= sent, 20,
                   "the workers to read what was sent", 0.2)
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(15)
        errf.close()
        e = open(os.path.join(d, "stderr")).read()
        check(rc == 0, "exit %d: %s" % (rc, e))
        recs_live = L.eve_records(path)
        check(not L.schema_errors(recs_live), L.schema_errors(recs_live)[:3])
        drops = L.summary_counter(e, "kernel_drops")
        check(drops == 0, "%d packets dropped at 4000/s" % drops)
        off = subprocess.run([binary, "-q", "-c", cfg, "-r", cap, "--stdout"],
                             capture_output=True, timeout=60)
        want = alert_keys(json.loads(l) for l in
                          off.stdout.decode().splitlines())
        got = alert_keys(recs_live)
        check(got == want, "2 live workers: %d alerts, 1 offline: %d; first "
              "difference %s" % (len(got), len(want),
                                 sorted(set(got) ^ set(want))[:3]))
        check(any(k.startswith("summary 192.0.2.1 army.ml 2 1 True True")
                  for k in got), "the delivery's incident is not whole")
        tunnelled = [r for r in recs_live if r["event_type"] == "alert"
                     and "tunnel" in r]
        check(len(tunnelled) >= 4, "%d alerts from inside the VXLAN "
              "captures" % len(tunnelled))
        per = {}
        for r in recs_live:
            if r["event_type"] == "stats" and "engine" in r:
                per[r["engine"]["thread_name"]] = r["stats"]
        check(sorted(per) == ["W#01", "W#02"], "per-worker stats: %s" %
              sorted(per))
        shares = [per[w]["decoder"]["pkts"] for w in sorted(per)]
        check(all(n > sent // 10 for n in shares),
              "a worker took (almost) nothing: %s of %d" % (shares, sent))
        check(sum(shares) == sums()["decoder"]["pkts"],
              "the sums are not the workers' sums")
        print("live-workers: %d sent; worker shares %s; %d alerts, %d "
              "tunnelled" % (sent, shares, len(got), len(tunnelled)))
    finally:
        if proc is not None:
            L.stop_proc(proc)
        net.down()


def t_live_tcpreplay(binary, d):
    n = 300000
    names = ["army.ml", "example.org", "mail.example.net", "gmial.com",
             "www.example.com", "gmail.com", "lists.example.org",
             "news.example.com", "cdn.example.net", "mx.example.org"]
    cap = os.path.join(d, "flood.pcap")
    typo_sent = 0
    with open(cap, "wb") as f:
        f.write(L.pcap_header(1))
        for i in range(n):
            name = names[i % len(names)]
            typo_sent += name in ("army.ml", "gmial.com")
            pkt = dns_query(1024 + i % 60000, i & 0xffff, name)
            f.write(L.pcap_record(1700000000 + i // 100000, i % 1000000, pkt))
    net = Net()
    proc = None
    try:
        net.up()
        cfg = os.path.join(d, "cfg.yaml")
        # Every alert is counted: no alerts-per-second cap in this test.
        L.shipped_config(cfg, stats_interval="1", alerts_max_per_second="0")
        errf = open(os.path.join(d, "stderr"), "wb")
        proc = subprocess.Popen(net.ns("s") + [binary, "-i", "s-veth", "-c",
                                               cfg, "-l", d],
                                stdout=subprocess.DEVNULL, stderr=errf)
        L.wait_for(lambda: "capturing on" in open(
            os.path.join(d, "stderr")).read() or proc.poll() is not None, 10,
            "capture to start")
        check(proc.poll() is None, open(os.path.join(d, "stderr")).read())
        t0 = time.monotonic()
        tr = run(net.ns("c") + ["tcpreplay", "-i", "c-veth", "--topspeed",
                                cap], timeout=120)
        took = time.monotonic() - t0
        text = tr.stdout.decode() + tr.stderr.decode()
        m = re.search(r"Successful packets:\s+(\d+)", text)
        check(m, "tcpreplay said: " + text)
        sent = int(m.group(1))
        rate = re.search(r"Rated: .*?([\d.]+) pps", text)
        # Let the sensor catch up, then stop it.
        path = os.path.join(d, "eve.json")

        def caught_up():
            st = [r for r in L.eve_records(path)
                  if r["event_type"] == "stats"]
            if not st:
                return False
            s = st[-1]["stats"]
            return s["decoder"]["pkts"] + s["capture"]["kernel_drops"] >= sent
        try:
            L.wait_for(caught_up, 15, "the sensor to catch up", 0.2)
        except AssertionError:
            pass
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(15)
        errf.close()
        e = open(os.path.join(d, "stderr")).read()
        check(rc == 0, "exit %d: %s" % (rc, e))
        read = L.summary_counter(e, "packets")
        recv = L.summary_counter(e, "kernel_packets")
        drops = L.summary_counter(e, "kernel_drops")
        ifdrops = L.summary_counter(e, "kernel_ifdrops")
        alerts = L.summary_counter(e, "alerts")
        print("tcpreplay: sent %d packets in %.2f s (%s pps); typosentry "
              "read %d, pcap_stats received %d, dropped %d, ifdropped %d; "
              "%d alerts for %d typo queries sent" % (
                  sent, took, rate.group(1) if rate else "?", read, recv,
                  drops, ifdrops, alerts, typo_sent))
        check(sent == n, "tcpreplay sent %d of %d" % (sent, n))
        check(read + drops == sent,
              "read %d + dropped %d != sent %d: drops not reported honestly"
              % (read, drops, sent))
        check(recv == sent, "pcap_stats received %d, %d sent" % (recv, sent))
        if drops == 0:
            check(alerts == typo_sent, "%d alerts, %d typo queries" %
                  (alerts, typo_sent))
        else:
            check(typo_sent - drops <= alerts <= typo_sent,
                  "%d alerts for %d typo queries with %d drops" %
                  (alerts, typo_sent, drops))
        last = [r for r in L.eve_records(path)
                if r["event_type"] == "stats"][-1]["stats"]
        check(last["capture"]["kernel_drops"] == drops and
              last["capture"]["kernel_packets"] == recv,
              "the last stats record disagrees with the summary")
    finally:
        if proc is not None:
            L.stop_proc(proc)
        net.down()


VX_C4, VX_S4 = "10.77.0.1", "10.77.0.53"
VX_C_MAC, VX_S_MAC = "02:00:00:00:77:01", "02:00:00:00:77:53"


def t_live_vxlan(binary, d):
    net = Net()
    proc = None
    try:
        net.up()
        # One VTEP per namespace on the underlay veth, static neighbours
        # in the overlay (no ARP).
        for ns, dev, local, remote, mac, peer_mac, addr, peer in (
                (net.c, "c-veth", C4, S4, VX_C_MAC, VX_S_MAC, VX_C4, VX_S4),
                (net.s, "s-veth", S4, C4, VX_S_MAC, VX_C_MAC, VX_S4, VX_C4)):
            out = run(["ip", "-n", ns, "link", "add", "vx0", "address", mac,
                       "type", "vxlan", "id", "100", "local", local,
                       "remote", remote, "dstport", "4789", "dev", dev,
                       "nolearning"], ok=False)
            if out.returncode != 0:
                raise Skip("cannot create a VXLAN device: " +
                           out.stderr.decode().strip())
            run(["ip", "-n", ns, "addr", "add", addr + "/24", "dev", "vx0"])
            run(["ip", "-n", ns, "link", "set", "vx0", "up"])
            run(["ip", "-n", ns, "neigh", "replace", peer, "lladdr",
                 peer_mac, "dev", "vx0", "nud", "permanent"])
        dlog = os.path.join(d, "dnsmasq.log")
        dns = net.start("s", [
            "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
            "--pid-file=", "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", "--listen-address=" + VX_S4,
            "--user=nobody", "--group=nogroup", "--log-facility=-",
            "--local=/army.ml/", "--mx-host=army.ml,mail.army.ml,10"], dlog)
        wait_listen(net, "u", VX_S4, 53, dns, dlog, "dnsmasq")
        # No -c: the built-in configuration and its default live filter.
        errp = os.path.join(d, "stderr")
        errf = open(errp, "wb")
        proc = subprocess.Popen(net.ns("s") + [binary, "-i", "s-veth",
                                               "-l", d],
                                stdout=subprocess.DEVNULL, stderr=errf)
        L.wait_for(lambda: "capturing on" in open(errp).read() or
                   proc.poll() is not None, 10, "capture to start")
        check(proc.poll() is None, open(errp).read())
        out = run(net.ns("c") + ["dig", "+tries=2", "+time=2", "@" + VX_S4,
                                 "MX", "army.ml"])
        check(b"status: NOERROR" in out.stdout and b"mail.army.ml" in
              out.stdout, "dig through the overlay: " + out.stdout.decode())
        path = os.path.join(d, "eve.json")

        def alerts():
            return [r for r in L.eve_records(path) if L.is_alert(r)]
        L.wait_for(lambda: len(alerts()) >= 2, 5, "the query's and the "
                   "response's alerts")
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(15)
        proc = None
        errf.close()
        e = open(errp).read()
        check(rc == 0, "exit %d: %s" % (rc, e))
        recs = L.eve_records(path)
        errs = L.schema_errors(recs)
        check(not errs, errs[:3])
        got = alerts()
        check(len(got) == 2, "%d alerts, expected 2" % len(got))
        want = {VX_C4: (C4, S4), VX_S4: (S4, C4)}
        for r in got:
            check(r["alert"]["context"]["typo"]["observed"] == "army.ml",
                  "alert for %r" % r["alert"]["context"]["typo"])
            check(r.get("in_iface") == "s-veth", "in_iface %r" %
                  r.get("in_iface"))
            t = r.get("tunnel")
            check(t is not None, "no tunnel object in %r" % r)
            src, dst = want[r["src_ip"]]
            check(t["src_ip"] == src and t["dest_ip"] == dst and
                  t["proto"] == "UDP" and t["depth"] == 1 and
                  t["dest_port"] == 4789, "tunnel %r" % t)
        check(len(set(r["flow_id"] for r in got)) == 1,
              "query and response in different flows")
        vx = L.summary_counter(e, "vxlan")
        inner = L.summary_counter(e, "ip_in_vxlan")
        print("live-vxlan: %d alerts with tunnel %s; vxlan %d, ip_in_vxlan "
              "%d" % (len(got), got[0]["tunnel"], vx, inner))
        check(vx >= 2 and inner >= 2, "vxlan %d, ip_in_vxlan %d" %
              (vx, inner))
    finally:
        if proc is not None:
            L.stop_proc(proc)
        net.down()


TESTS = {
    "live-alerts": t_live_alerts,
    "live-alerts-immediate":
        lambda binary, d: t_live_alerts(binary, d, ["--immediate"]),
    "live-tcpreplay": t_live_tcpreplay,
    "live-workers": t_live_workers,
    "live-vxlan": t_live_vxlan,
}
TOOLS = {
    "live-alerts": ["ip", "unshare", "dnsmasq", "smtp-sink", "dig", "swaks",
                    "rsyslogd", "ss"],
    "live-alerts-immediate": ["ip", "unshare", "dnsmasq", "smtp-sink", "dig",
                              "swaks", "rsyslogd", "ss"],
    "live-tcpreplay": ["ip", "tcpreplay"],
    "live-workers": ["ip", "tcpreplay"],
    "live-vxlan": ["ip", "dnsmasq", "dig", "ss"],
}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(TESTS))
        return 0
    binary, name = sys.argv[1:3]
    binary = os.path.abspath(binary)
    if os.geteuid() != 0:
        print("SKIP %s: needs root (network namespaces)" % name)
        return SKIP
    missing = [t for t in TOOLS[name] if not shutil.which(t)]
    if missing:
        print("SKIP %s: not installed: %s" % (name, " ".join(missing)))
        return SKIP
    d = tempfile.mkdtemp(prefix="ts-live-")
    t0 = time.monotonic()
    try:
        TESTS[name](binary, d)
        return 0
    except Skip as e:
        print("SKIP %s: %s" % (name, e))
        return SKIP
    except (Fail, AssertionError, subprocess.TimeoutExpired) as e:
        print("FAIL %s (%s): %s" % (name, os.path.basename(binary), e))
        for log in ("stderr", "rsyslogd.log", "syslog.out", "dnsmasq.log",
                    "sink.log"):
            p = os.path.join(d, log)
            if os.path.exists(p):
                print("    %s: %s" % (log, open(p, errors="replace")
                                      .read()[-1500:]))
        return 1
    finally:
        if time.monotonic() - t0 > 60:
            print("WARNING %s took %.0f s" % (name, time.monotonic() - t0))
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
