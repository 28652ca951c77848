#!/usr/bin/python3
"""ops.py — typosentry in operation, reading captures: syslog output to a
real rsyslogd, signals, configuration reload, log rotation with the shipped
logrotate snippet, write errors, --daemon and --pidfile, -u, stats records.

usage: ops.py BINARY TEST      run one test (exit 0 pass, 1 fail, 77 skip)
       ops.py --list           the tests

Captures are fed on standard input at a controlled pace where a test must
act in the middle of a replay.  Every process a test starts is stopped by
its PID; every file goes to a temporary directory that is removed.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as L  # noqa: E402

DNS_PCAP = "pcaps/dns-mx-eth.pcap"      # 28 alerts, UDP only
SMTP_PCAP = "pcaps/smtp-basic.pcap"     # 1 alert: RCPT TO:<john@army.ml>
SKIP = 77

LINE_RE = re.compile(
    r"^\[1:1610[01]0\d:\d+\] TYPOSENTRY [A-Z ].* \[Severity: [1-4]\] "
    r"\{(TCP|UDP)\} (\S+):\d+ -> (\S+):\d+ \S+ ~ \S+ \([a-z-]+\)$")


def expected_line(rec):
    """The syslog line format, built from an EVE alert record."""
    a, t = rec["alert"], rec["alert"]["context"]["typo"]

    def ep(ip, port):
        return ("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port)
    return "[%d:%d:%d] %s [Severity: %d] {%s} %s -> %s %s ~ %s (%s)" % (
        a["gid"], a["signature_id"], a["rev"], a["signature"], a["severity"],
        rec["proto"], ep(rec["src_ip"], rec["src_port"]),
        ep(rec["dest_ip"], rec["dest_port"]), t["observed"], t["protected"],
        t["class"])


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Feeder:
    """Writes a capture to a process's standard input, record by record,
    in a thread; pause() and resume() let a test act between parts."""

    def __init__(self, proc, linktype, recs, delay=0.0):
        self.proc = proc
        self.linktype = linktype
        self.recs = recs
        self.delay = delay
        self.sent = 0

    def header(self):
        self.proc.stdin.write(L.pcap_header(self.linktype))
        self.proc.stdin.flush()

    def send(self, recs):
        for sec, usec, data, orig in recs:
            self.proc.stdin.write(L.pcap_record(sec, usec, data, orig))
            self.proc.stdin.flush()
            self.sent += 1
            if self.delay:
                time.sleep(self.delay)

    def send_in_thread(self, recs):
        t = threading.Thread(target=self.send, args=(recs,))
        t.start()
        return t


def start(binary, args, d, stdin=True, prefix=None):
    """typosentry with stderr to a file (read with err())."""
    errf = open(os.path.join(d, "stderr"), "wb")
    proc = subprocess.Popen((prefix or []) + [binary] + args,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=errf)
    proc.errf = errf
    return proc


def err(d):
    with open(os.path.join(d, "stderr"), encoding="utf-8",
              errors="replace") as f:
        return f.read()


def finish(proc, timeout=10):
    """Closes stdin, waits; returns the exit status."""
    try:
        if proc.stdin:
            proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        return proc.wait(timeout)
    finally:
        L.stop_proc(proc)
        proc.errf.close()


def no_sanitizer_report(text):
    for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        check(bad not in text, "sanitizer report:\n" + text[-3000:])


def alert_count(binary, d, recs, linktype, extra=()):
    """Alerts of a plain run over recs written as a file ("before")."""
    path = os.path.join(d, "ref.pcap")
    L.write_pcap(path, linktype, recs)
    out = subprocess.run([binary, "-q", "-r", path] + list(extra),
                         capture_output=True, timeout=120)
    return sum(1 for l in out.stdout.decode().splitlines()
               if L.is_alert(json.loads(l)))


# ------------------------------------------------------------------ tests
def t_syslog_line(binary, d):
    """Alerts go to a real rsyslogd as one readable line each, facility
    local5, level notice, ident typosentry, alongside the EVE file."""
    rs = L.Rsyslog(d)
    rs.start()
    try:
        eve = os.path.join(d, "eve")
        os.mkdir(eve)
        out = subprocess.run(
            L.private_dev(d, rs.sock) +
            [binary, "--syslog", "-l", eve, "-r", SMTP_PCAP, "-r", DNS_PCAP],
            capture_output=True, timeout=60)
        check(out.returncode == 0, "exit %d: %s" % (out.returncode,
                                                    out.stderr.decode()))
        no_sanitizer_report(out.stderr.decode())
        n_eve = len(L.alerts(L.eve_records(os.path.join(eve, "eve.json"))))
        msgs = L.wait_for(lambda: len(rs.messages()) >= n_eve and
                          rs.messages(), 10, "%d syslog messages" % n_eve)
        time.sleep(0.3)
        msgs = rs.messages()
        check(n_eve > 1, "%d EVE alerts" % n_eve)
        check(len(msgs) == n_eve, "%d syslog messages for %d alerts" %
              (len(msgs), n_eve))
        recs = L.alerts(L.eve_records(os.path.join(eve, "eve.json")))
        for (t, prio, tag, msg), rec in zip(msgs, recs):
            check(prio == "local5.notice", "priority %s" % prio)
            check(tag == "typosentry", "tag %s" % tag)
            check(LINE_RE.match(msg), "line format: %r" % msg)
            check(msg == expected_line(rec), "line %r, expected %r" %
                  (msg, expected_line(rec)))
        check(any("{UDP} [2001:db8::53]:53 -> [2001:db8::1]:" in m[3]
                  for m in msgs), "no IPv6 line in brackets")
        check(L.summary_counter(out.stderr.decode(), "syslog_alerts") ==
              n_eve, "syslog_alerts counter")
    finally:
        rs.stop()


def t_syslog_json(binary, d):
    """format json: "@cee: " + the EVE record (same object as in the EVE
    file, schema-valid), with ident, facility and level from the
    configuration, and the local part masked in both."""
    rs = L.Rsyslog(d)
    rs.start()
    try:
        cfg = os.path.join(d, "cfg.yaml")
        L.shipped_config(cfg, syslog_enabled="true", syslog_format="json",
                         syslog_ident="ts-test", syslog_facility="local3",
                         syslog_level="warning", privacy_local_part="mask")
        eve = os.path.join(d, "eve")
        os.mkdir(eve)
        out = subprocess.run(
            L.private_dev(d, rs.sock) +
            [binary, "-c", cfg, "-l", eve, "-r", SMTP_PCAP, "-r", DNS_PCAP],
            capture_output=True, timeout=60)
        check(out.returncode == 0, "exit %d: %s" % (out.returncode,
                                                    out.stderr.decode()))
        recs = L.alerts(L.eve_records(os.path.join(eve, "eve.json")))
        L.wait_for(lambda: len(rs.messages("ts-test")) >= len(recs), 10,
                   "syslog messages")
        time.sleep(0.3)
        msgs = rs.messages("ts-test")
        check(len(msgs) == len(recs) > 1, "%d messages, %d alerts" %
              (len(msgs), len(recs)))
        objs = []
        for t, prio, tag, msg in msgs:
            check(prio == "local3.warning", "priority %s" % prio)
            check(msg.startswith("@cee: "), "no @cee: prefix: %r" % msg[:40])
            objs.append(json.loads(msg[len("@cee: "):]))
        check(objs == recs, "syslog JSON differs from the EVE records")
        check(not L.schema_errors(objs), L.schema_errors(objs)[:3])
        # Whatever the typo model flags, no local part is shown.
        for t, prio, tag, msg in msgs:
            check("john@" not in msg and "alice@" not in msg,
                  "unmasked address: " + msg)
        for o in objs:
            if o["app_proto"] == "smtp":
                check(o["smtp"]["mail_from"] == "<a***@example.org>",
                      "mail_from %r" % o["smtp"]["mail_from"])
                check(all(r.startswith("<j***@") for r in
                          o["smtp"]["rcpt_to"]), "rcpt_to %r" %
                      o["smtp"]["rcpt_to"])
    finally:
        rs.stop()


def t_sigterm(binary, d):
    """SIGTERM while typosentry waits for more of a capture on standard
    input: it stops at once, flushes, prints its summary, exits 0."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    n1 = alert_count(binary, d, recs, lt)
    eve = os.path.join(d, "eve")
    os.mkdir(eve)
    proc = start(binary, ["-r", "-", "-l", eve], d)
    fd = Feeder(proc, lt, recs)
    fd.header()
    fd.send(recs)
    path = os.path.join(eve, "eve.json")
    L.wait_for(lambda: L.count_lines(path) >= n1, 10, "%d alerts" % n1)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(5)
    took = time.monotonic() - t0
    proc.errf.close()
    e = err(d)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d after SIGTERM: %s" % (rc, e))
    check(took < 2, "took %.1f s to stop" % took)
    check("stopped by a signal after packet %d" % len(recs) in e,
          "no 'stopped by a signal' message: " + e)
    check(L.summary_counter(e, "alerts") == n1, "summary: " + e)
    check(len(L.alerts(L.eve_records(path))) == n1, "alerts lost")


def t_sigint_file(binary, d):
    """SIGINT while reading a long capture file stops the replay early,
    cleanly."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    big = os.path.join(d, "big.pcap")
    L.write_pcap(big, lt, L.copies(recs, 20000))
    proc = start(binary, ["-r", big, "-l", d], d, stdin=False)
    L.wait_for(lambda: L.count_lines(os.path.join(d, "eve.json")) > 100, 30,
               "the first alerts")
    proc.send_signal(signal.SIGINT)
    rc = proc.wait(10)
    proc.errf.close()
    e = err(d)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d: %s" % (rc, e))
    check("stopped by a signal" in e, e)
    n = L.summary_counter(e, "packets")
    check(0 < n < len(recs) * 20000, "read %d packets" % n)


def reload_config(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def t_sighup_reload(binary, d):
    """SIGHUP rereads the configuration between packets: a good one takes
    effect (output.dns switched on: every DNS message is logged from then
    on) without a restart; a bad one (YAML error, bad filter) is reported
    with file:line:column and the running one stays."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    cfg = os.path.join(d, "cfg.yaml")
    L.shipped_config(cfg + ".base", stats_interval="0")
    L.shipped_config(cfg + ".dns", stats_interval="0", output_dns="true")
    L.shipped_config(cfg + ".filter", stats_interval="0",
                     capture_filter="'port port'")
    base = open(cfg + ".base").read()
    reload_config(cfg, base)
    n1 = alert_count(binary, d, recs, lt, ["-c", cfg])
    eve = os.path.join(d, "eve")
    os.mkdir(eve)
    path = os.path.join(eve, "eve.json")
    proc = start(binary, ["-r", "-", "-l", eve, "-c", cfg], d)
    fd = Feeder(proc, lt, recs)
    fd.header()
    parts = L.copies(recs, 4, 1)
    n = len(recs)
    try:
        fd.send(parts[:n])
        L.wait_for(lambda: L.count_lines(path) >= n1, 10, "%d alerts" % n1)

        reload_config(cfg, open(cfg + ".dns").read())
        proc.send_signal(signal.SIGHUP)
        # The reload happens between packets.
        fd.send(parts[n:2 * n])
        L.wait_for(lambda: "reloaded" in err(d), 10, "the reload message")
        L.wait_for(lambda: L.count_lines(path) >= 2 * n1 + n, 10,
                   "the second part's records")

        reload_config(cfg, open(cfg + ".dns").read() +
                      "stats: {interval: 0\n")
        proc.send_signal(signal.SIGHUP)
        fd.send(parts[2 * n:3 * n])
        L.wait_for(lambda: "not reloaded" in err(d), 10, "the refusal")
        L.wait_for(lambda: L.count_lines(path) >= 3 * n1 + 2 * n, 10,
                   "the third part's records")
        check(re.search(r"cfg\.yaml:\d+:\d+: ", err(d)),
              "refusal without file:line:column: " + err(d))

        reload_config(cfg, open(cfg + ".filter").read())
        proc.send_signal(signal.SIGHUP)
        fd.send(parts[3 * n:])
        L.wait_for(lambda: err(d).count("not reloaded") >= 2, 10,
                   "the second refusal")
        L.wait_for(lambda: L.count_lines(path) >= 4 * n1 + 3 * n, 10,
                   "the fourth part's records")
        time.sleep(0.2)
    finally:
        rc = finish(proc)
    e = err(d)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d: %s" % (rc, e))
    out = L.eve_records(path)
    n_alerts = len(L.alerts(out))
    n_dns = sum(1 for r in out if r["event_type"] == "dns")
    check(n_alerts == 4 * n1, "%d alerts, expected %d" % (n_alerts, 4 * n1))
    check(n_dns == 3 * n, "%d dns records, expected %d" % (n_dns, 3 * n))
    check(all(r["event_type"] == "alert" for r in out[:n1]),
          "dns records before the reload")
    check(L.summary_counter(e, "config_reloads") == 1, e)
    check(L.summary_counter(e, "config_reload_errors") == 2, e)
    check(L.summary_counter(e, "eve_reopens") == 3, e)


def t_logrotate(binary, d):
    """logrotate -f with the shipped snippet in the middle of a replay: no
    alert is lost (the alerts in eve.json.1 and eve.json are those of a
    plain run) and every line is whole."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    n_copies = 24
    allrecs = L.copies(recs, n_copies, 1)
    before = alert_count(binary, d, allrecs, lt)
    logdir = os.path.join(d, "log")
    os.mkdir(logdir, 0o755)
    with open("etc/logrotate.d/typosentry.in") as f:
        snippet = f.read().replace("@LOGDIR@", logdir).replace("@RUNDIR@", d)
    conf = os.path.join(d, "logrotate.conf")
    with open(conf, "w") as f:
        f.write(snippet)
    os.chmod(conf, 0o644)
    pidfile = os.path.join(d, "typosentry.pid")
    proc = start(binary, ["-r", "-", "-l", logdir, "--pidfile", pidfile], d)
    L.wait_for(lambda: os.path.exists(pidfile), 10, "the pidfile")
    # About 2.5 s of replay: logrotate runs well inside it.
    fd = Feeder(proc, lt, allrecs, delay=0.002)
    fd.header()
    th = fd.send_in_thread(allrecs)
    path = os.path.join(logdir, "eve.json")
    L.wait_for(lambda: L.count_lines(path) >= before // 4, 30,
               "a quarter of the alerts")
    lr = subprocess.run(["logrotate", "-f", "-s", os.path.join(d, "state"),
                         conf], capture_output=True, timeout=30)
    check(lr.returncode == 0, "logrotate: " + lr.stderr.decode())
    rotated = path + ".1"
    check(os.path.exists(rotated), "no eve.json.1 after logrotate -f")
    th.join(60)
    L.wait_for(lambda: L.count_lines(rotated) + L.count_lines(path) >= before,
               30, "all alerts")
    rc = finish(proc)
    e = err(d)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d: %s" % (rc, e))
    a1, a2 = L.eve_records(rotated), L.eve_records(path)
    check(len(a1) > 0 and len(a2) > 0, "%d lines before, %d after the "
          "rotation: it did not happen mid-replay" % (len(a1), len(a2)))
    after = len(L.alerts(a1)) + len(L.alerts(a2))
    check(after == before, "%d alerts across eve.json.1 and eve.json, %d "
          "without rotation" % (after, before))
    check(L.summary_counter(e, "eve_reopens") == 1, e)
    check(not os.path.exists(pidfile), "pidfile left behind")
    print("logrotate: %d alerts before = %d after (%d in eve.json.1, %d in "
          "eve.json)" % (before, after, len(a1), len(a2)))


def t_write_error_full(binary, d):
    """A full disk (eve.json -> /dev/full): reported once, every lost
    record counted in output_errors, the replay goes on, exit 0."""
    os.symlink("/dev/full", os.path.join(d, "eve.json"))
    out = subprocess.run([binary, "-r", DNS_PCAP, "-r", DNS_PCAP, "-l", d],
                         capture_output=True, timeout=60)
    e = out.stderr.decode()
    no_sanitizer_report(e)
    check(out.returncode == 0, "exit %d: %s" % (out.returncode, e))
    check(e.count("write error: No space left on device") == 1,
          "not reported exactly once: " + e)
    # Alerts and incident summaries (one record each) were all lost.
    n = L.summary_counter(e, "alerts")
    n += L.summary_counter(e, "incidents_closed")
    check(n > 0 and L.summary_counter(e, "output_errors") == n, e)


def t_write_error_tmpfs(binary, d):
    """A small file system filling up in the middle of a replay: what was
    in eve.json before stays, every line stays whole JSON (a record cut
    short is taken back), the rest is counted, exit 0."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    cap = os.path.join(d, "many.pcap")
    L.write_pcap(cap, lt, L.copies(recs, 40, 1))
    first = ('{"timestamp":"2026-01-01T00:00:00.000000+0000",'
             '"event_type":"stats"}')
    mnt = os.path.join(d, "mnt")
    os.mkdir(mnt)
    res = os.path.join(d, "res")
    os.mkdir(res)
    script = ('set -e; mount --make-rprivate /; '
              'mount -t tmpfs -o size=48k tmpfs "$1"; '
              "printf '%%s\\n' '%s' > \"$1/eve.json\"; "
              'rc=0; "$2" -r "$3" -l "$1" 2>"$4/stderr" || rc=$?; '
              'cp "$1/eve.json" "$4/eve.json"; exit $rc' % first)
    out = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", mnt,
                          binary, cap, res], capture_output=True, timeout=120)
    e = open(os.path.join(res, "stderr")).read()
    no_sanitizer_report(e)
    check(out.returncode == 0, "exit %d: %s %s" % (out.returncode, e,
                                                   out.stderr.decode()))
    data = open(os.path.join(res, "eve.json"), "rb").read()
    check(data.startswith(first.encode() + b"\n"), "first line damaged")
    check(data.endswith(b"\n"), "last line cut short")
    lines = data.decode().splitlines()
    for n, l in enumerate(lines, 1):
        try:
            json.loads(l)
        except ValueError:
            raise Fail("line %d is not whole JSON: %r" % (n, l[:80]))
    lost = L.summary_counter(e, "output_errors")
    # Every alert and every incident summary is one record.
    n_alerts = L.summary_counter(e, "alerts") + \
        L.summary_counter(e, "incidents_closed")
    check(lost > 0, "the disk never filled")
    check(len(lines) - 1 + lost == n_alerts,
          "%d written + %d lost != %d alerts" % (len(lines) - 1, lost,
                                                 n_alerts))
    check(e.count("write error") == 1, "not reported once: " + e)


def t_write_error_permission(binary, d):
    """Running as nobody (-u): after logrotate-like moves, eve.json cannot
    be created again (permission denied): SIGHUP reports it and records
    keep going to the old file."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    n1 = alert_count(binary, d, recs, lt)
    logdir = os.path.join(d, "log")
    os.mkdir(logdir)
    os.chmod(d, 0o755)
    shutil.chown(logdir, "nobody", "nogroup")
    path = os.path.join(logdir, "eve.json")
    proc = start(binary, ["-r", "-", "-l", logdir, "-u", "nobody",
                          "-g", "nogroup"], d)
    fd = Feeder(proc, lt, recs)
    fd.header()
    try:
        fd.send(recs)
        L.wait_for(lambda: L.count_lines(path) >= n1, 10, "%d alerts" % n1)
        status = open("/proc/%d/status" % proc.pid).read()
        check(re.search(r"^Uid:\s+65534\s+65534\s+65534\s+65534$", status,
                        re.M), "uid not nobody:\n" + status)
        check(re.search(r"^CapEff:\s+0+$", status, re.M) and
              re.search(r"^CapPrm:\s+0+$", status, re.M),
              "capabilities left offline:\n" + status)
        os.rename(path, path + ".old")
        os.chmod(logdir, 0o555)
        proc.send_signal(signal.SIGHUP)
        fd.send(L.copies(recs, 2, 1)[len(recs):])
        L.wait_for(lambda: "cannot reopen the EVE log" in err(d), 10,
                   "the reopen error")
        L.wait_for(lambda: L.count_lines(path + ".old") >= 2 * n1, 10,
                   "alerts in the old file")
    finally:
        rc = finish(proc)
        os.chmod(logdir, 0o755)
    e = err(d)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d: %s" % (rc, e))
    check("Permission denied" in e, e)
    check(not os.path.exists(path), "eve.json created by nobody in a "
          "read-only directory")


def t_daemon(binary, d):
    """--daemon returns at once; the daemon writes its pidfile, does its
    work, removes the pidfile.  --daemon with EVE on standard output is a
    usage error; a pidfile naming a running process refuses to start."""
    out = subprocess.run([binary, "--daemon", "-r", DNS_PCAP],
                         capture_output=True, timeout=30)
    check(out.returncode == 2 and b"--daemon" in out.stderr,
          "daemon to stdout: %d %s" % (out.returncode, out.stderr))

    pidfile = os.path.join(d, "ts.pid")
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    out = subprocess.run([binary, "--pidfile", pidfile, "-r", DNS_PCAP, "-l",
                          d], capture_output=True, timeout=30)
    check(out.returncode == 2 and b"already running as PID %d" %
          os.getpid() in out.stderr, "pidfile of a live process: %d %s" %
          (out.returncode, out.stderr))
    os.unlink(pidfile)

    lt, _, recs = L.read_pcap(DNS_PCAP)
    cap = os.path.join(d, "many.pcap")
    allrecs = L.copies(recs, 1000, 1)
    L.write_pcap(cap, lt, allrecs)
    before = alert_count(binary, d, allrecs, lt)
    t0 = time.monotonic()
    out = subprocess.run([binary, "--daemon", "--pidfile", pidfile, "-r", cap,
                          "-l", d], capture_output=True, timeout=30)
    check(out.returncode == 0, "exit %d: %s" % (out.returncode, out.stderr))
    check(time.monotonic() - t0 < 5, "the parent did not return at once")
    pid = int(L.wait_for(lambda: os.path.exists(pidfile) and
                         open(pidfile).read().strip(), 10, "the pidfile"))
    stat = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    # Fields after the name: state ppid pgrp session tty_nr.
    check(stat[4] == "0", "the daemon has a terminal")
    check(int(stat[3]) != os.getsid(0), "the daemon shares our session")
    L.wait_for(lambda: not os.path.exists(pidfile), 60, "the daemon to end")
    n = len(L.alerts(L.eve_records(os.path.join(d, "eve.json"))))
    check(n == before, "%d alerts, expected %d" % (n, before))


def t_stats_offline(binary, d):
    """stats.interval on packet time: one "stats" record per interval of
    the capture, valid against the schema, counters that only grow."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    cap = os.path.join(d, "slow.pcap")
    L.write_pcap(cap, lt, L.copies(recs, 6, 10))
    cfg = os.path.join(d, "cfg.yaml")
    L.shipped_config(cfg, stats_interval="2")
    out = subprocess.run([binary, "-c", cfg, "-r", cap], capture_output=True,
                         timeout=60)
    check(out.returncode == 0, out.stderr.decode())
    recs_out = [json.loads(l) for l in out.stdout.decode().splitlines()]
    stats = [r["stats"] for r in recs_out if r["event_type"] == "stats"]
    check(len(stats) == 5, "%d stats records for 6 copies 10 s apart" %
          len(stats))
    errs = L.schema_errors(recs_out)
    check(not errs, errs[:3])
    prev = None
    for s in stats:
        check(s["decoder"]["pkts"] > 0 and s["app_layer"]["tx"]["dns_udp"] > 0
              and "alert" in s["detect"] and "memuse" in s["flow"],
              "fields missing: %r" % s)
        if prev:
            check(s["decoder"]["pkts"] > prev["decoder"]["pkts"] and
                  s["detect"]["alert"] > prev["detect"]["alert"],
                  "counters went down")
        prev = s
    check("capture" not in stats[0], "capture figures offline")


def t_suppress(binary, d):
    """alerts.suppress-window: of identical alerts (signature, source
    address, observed name) only those starting a window go out, exactly
    as computed from an unsuppressed run; the rest are counted."""
    lt, _, recs = L.read_pcap(DNS_PCAP)
    cap = os.path.join(d, "four.pcap")
    L.write_pcap(cap, lt, L.copies(recs, 4, 10))
    window = 15

    def run(window):
        cfg = os.path.join(d, "cfg.yaml")
        L.shipped_config(cfg, stats_interval="0", alerts_suppress_window=window)
        out = subprocess.run([binary, "-c", cfg, "-r", cap],
                             capture_output=True, timeout=60)
        check(out.returncode == 0, out.stderr.decode())
        no_sanitizer_report(out.stderr.decode())
        return ([json.loads(l) for l in out.stdout.decode().splitlines()],
                out.stderr.decode())

    every, _ = run("0")
    kept, e = run(str(window))
    check(len(every) > 0, "no alerts at all")
    last = {}
    expected = []
    for r in every:
        key = (r["alert"]["signature_id"], r["src_ip"],
               r["alert"]["context"]["typo"]["observed"])
        t = int(L.rfc3339(r["timestamp"]))
        if key not in last or not (last[key] <= t < last[key] + window):
            expected.append(r)
            last[key] = t
    check(kept == expected, "%d alerts kept, %d expected" %
          (len(kept), len(expected)))
    check(len(kept) < len(every), "nothing suppressed")
    check(L.summary_counter(e, "alerts_suppressed") ==
          len(every) - len(kept), e)
    print("suppress: %d alerts, %d sent with a %d s window" %
          (len(every), len(kept), window))


def t_privacy_hash(binary, d):
    """privacy.local-part hash: the same local part (any case) gives the
    same 16 hex digits, another key other digits; no local part shows."""
    def run(key):
        cfg = os.path.join(d, "cfg.yaml")
        L.shipped_config(cfg, output_smtp="true", privacy_local_part="hash",
                         privacy_hash_key="'%s'" % key)
        out = subprocess.run([binary, "-q", "-c", cfg, "-r",
                              "pcaps/smtp-commands.pcap"],
                             capture_output=True, timeout=60)
        check(out.returncode == 0, out.stderr.decode())
        return [json.loads(l) for l in out.stdout.decode().splitlines()]

    a = run("first key, sixteen chars or more")
    b = run("another key, sixteen chars or more")
    rcpts = [r["smtp"]["rcpt_to"] for r in a if r["event_type"] == "smtp"]
    check(len(rcpts) >= 2, "no smtp records")
    last = rcpts[-1]
    for addr in last:
        m = re.match(r'^<?(?:@[^:]+:)?([0-9a-f]{16})@', addr)
        check(m, "not hashed: %r" % addr)
    # "john doe" (quoted), user (source route), USER (upper case), user
    # (address literal), x.
    h = [re.search(r"([0-9a-f]{16})@", x).group(1) for x in last]
    check(len(h) == 5 and h[1] == h[2] == h[3] and len(set(h)) == 3,
          "user and USER must hash alike, others apart: %r" % h)
    other = [r["smtp"]["rcpt_to"] for r in b if r["event_type"] == "smtp"][-1]
    check(all(x != y for x, y in zip(last, other)),
          "the key does not change the hash")
    text = json.dumps(a)
    check("john" not in text and "alice" not in text and "USER@" not in text,
          "a local part shows")


def stalled_run(binary, d, copies, max_pending, pause):
    """A replay of copies of DNS_PCAP fed on standard input (a stream,
    which cannot wait) with EVE to a pipe whose reader waits pause seconds
    (None: never reads) before reading it all.  Returns (exit status,
    seconds, stderr, bytes the reader got)."""
    dlt, _, recs = L.read_pcap(DNS_PCAP)
    cap = os.path.join(d, "many.pcap")
    L.write_pcap(cap, dlt, L.copies(recs, copies, step=2))
    cfg = os.path.join(d, "cfg.yaml")
    L.shipped_config(cfg, output_max_pending=max_pending,
                     alerts_max_per_second="0", stats_interval="0")
    r, w = os.pipe()
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "-c", cfg, "-r", "-", "--stdout"],
                         stdin=subprocess.PIPE, stdout=w,
                         stderr=subprocess.PIPE)
    os.close(w)
    got = []

    def feed():
        with open(cap, "rb") as f:
            p.stdin.write(f.read())
        p.stdin.close()

    def reader():
        time.sleep(pause)
        while True:
            b = os.read(r, 1 << 16)
            if not b:
                return
            got.append(b)
    feeder = threading.Thread(target=feed)
    feeder.start()
    th = None
    if pause is not None:
        th = threading.Thread(target=reader)
        th.start()
    e = p.stderr.read().decode()
    rc = p.wait(60)
    secs = time.monotonic() - t0
    feeder.join(30)
    if th is not None:
        th.join(30)
    else:
        os.set_blocking(r, False)
        try:
            while True:
                b = os.read(r, 1 << 16)
                if not b:
                    break
                got.append(b)
        except BlockingIOError:
            pass
    os.close(r)
    return rc, secs, e, b"".join(got)


def t_stalled_reader(binary, d):
    """Capture from a stream (standard input, as from tcpdump -w -) with
    EVE to a pipe nobody reads (a stuck consumer): the capture goes on to
    the end and exits, held records wait OUTPUT_DRAIN_SECONDS (5) at most;
    the stall is said (once), every record not delivered is counted (in
    output_errors, or as dropped at exit), and what reached the pipe is
    whole lines but the last.  A reader that only pauses loses nothing."""
    rc, secs, e, data = stalled_run(binary, d, 300, "64kb", None)
    no_sanitizer_report(e)
    check(rc == 0, "exit %d: %s" % (rc, e[-2000:]))
    check(secs < 30, "took %.1f s with a stuck reader" % secs)
    check(e.count("the reader is not keeping up") == 1, e[-2000:])
    m = re.search(r"the reader took nothing for 5 s: (\d+) records held", e)
    check(m, "no word of the records held at exit: " + e[-2000:])
    lines = data.split(b"\n")
    whole = [json.loads(x) for x in lines[:-1]]
    total = L.summary_counter(e, "alerts") + \
        L.summary_counter(e, "incidents_closed") + \
        L.summary_counter(e, "incidents_closed_early")
    errors = L.summary_counter(e, "output_errors")
    check(errors > 0, "nothing dropped with a stuck reader?")
    check(len(whole) + int(m.group(1)) + errors == total,
          "%d records in the pipe + %s held at exit + %d dropped != %d" %
          (len(whole), m.group(1), errors, total))
    # A reader that pauses for a second: everything arrives, whole.
    rc, secs, e, data = stalled_run(binary, d, 50, "4mb", 1.0)
    check(rc == 0, "exit %d: %s" % (rc, e[-2000:]))
    check(L.summary_counter(e, "output_errors") == 0, e[-2000:])
    total = L.summary_counter(e, "alerts") + \
        L.summary_counter(e, "incidents_closed") + \
        L.summary_counter(e, "incidents_closed_early")
    recs = [json.loads(x) for x in data.split(b"\n") if x]
    check(len(recs) == total and data.endswith(b"\n"),
          "%d records of %d with a reader that paused" % (len(recs), total))


TESTS = {
    "syslog-line": t_syslog_line,
    "syslog-json": t_syslog_json,
    "sigterm-stdin": t_sigterm,
    "sigint-file": t_sigint_file,
    "sighup-reload": t_sighup_reload,
    "logrotate": t_logrotate,
    "write-error-full": t_write_error_full,
    "write-error-tmpfs": t_write_error_tmpfs,
    "write-error-permission": t_write_error_permission,
    "daemon": t_daemon,
    "stats-offline": t_stats_offline,
    "suppress": t_suppress,
    "privacy-hash": t_privacy_hash,
    "stalled-reader": t_stalled_reader,
}
NEEDS_ROOT = {"syslog-line", "syslog-json", "write-error-tmpfs",
              "write-error-permission"}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(TESTS))
        return 0
    binary, name = sys.argv[1:3]
    binary = os.path.abspath(binary) if os.path.exists(binary) else binary
    if name in NEEDS_ROOT and os.geteuid() != 0:
        print("SKIP %s: needs root (mount namespaces, -u)" % name)
        return SKIP
    if name.startswith("syslog") and not shutil.which("rsyslogd"):
        print("SKIP %s: rsyslogd is not installed" % name)
        return SKIP
    d = tempfile.mkdtemp(prefix="ts-ops-")
    t0 = time.monotonic()
    try:
        TESTS[name](binary, d)
        return 0
    except (Fail, AssertionError, subprocess.TimeoutExpired) as e:
        print("FAIL %s (%s): %s" % (name, os.path.basename(binary), e))
        p = os.path.join(d, "stderr")
        if os.path.exists(p):
            print("    stderr: " + open(p, errors="replace").read()[-2000:])
        return 1
    finally:
        if time.monotonic() - t0 > 60:
            print("WARNING %s took %.0f s" % (name, time.monotonic() - t0))
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
