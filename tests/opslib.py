"""opslib.py — helpers shared by tests/ops.py and tests/live.py.

  Pcap reading and writing (classic pcap, microsecond timestamps).
  Rsyslog: a private rsyslogd (own configuration, socket, output file,
  work directory), started and stopped by its PID.
  private_dev(): a command prefix that runs a program in its own mount
  namespace where /dev/log is a symlink to that private socket, so that
  syslog(3), which always writes to /dev/log, reaches our rsyslogd and
  nothing of the machine's /dev changes.
  EVE helpers: read the records of a file, validate them against the
  schema, count alerts, wait for a condition with a deadline.
"""
import json
import os
import re
import signal
import struct
import subprocess
import time

SCHEMA = "../shared/schema/suricata-eve-schema.json"


# ------------------------------------------------------------------ pcap
def read_pcap(path):
    """(linktype, snaplen, [(sec, usec, data, wirelen)])"""
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    if magic != 0xa1b2c3d4:
        raise ValueError("%s: not a little-endian microsecond pcap" % path)
    _, _, _, _, snaplen, linktype = struct.unpack("<HHiIII", data[4:24])
    recs = []
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        recs.append((sec, usec, data[off:off + incl], orig))
        off += incl
    return linktype, snaplen, recs


def pcap_header(linktype, snaplen=262144):
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(sec, usec, data, wirelen=None):
    return struct.pack("<IIII", sec, usec, len(data),
                       wirelen if wirelen is not None else len(data)) + data


def copies(recs, n, step=1):
    """n copies of recs, each shifted step seconds after the previous."""
    out = []
    for i in range(n):
        for sec, usec, data, orig in recs:
            out.append((sec + i * step, usec, data, orig))
    return out


def write_pcap(path, linktype, recs):
    with open(path, "wb") as f:
        f.write(pcap_header(linktype))
        for sec, usec, data, orig in recs:
            f.write(pcap_record(sec, usec, data, orig))


# ------------------------------------------------------------------- EVE
def eve_records(path):
    if not os.path.exists(path):
        return []
    out = []
    with open(path, "rb") as f:
        for line in f.read().decode("utf-8").splitlines():
            out.append(json.loads(line))
    return out


def count_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def validator():
    import jsonschema
    with open(SCHEMA) as f:
        return jsonschema.Draft7Validator(json.load(f))


def schema_errors(records):
    v = validator()
    errs = []
    for n, rec in enumerate(records, 1):
        for e in v.iter_errors(rec):
            errs.append("record %d fails the EVE schema at %s: %s" %
                        (n, "/".join(map(str, e.path)), e.message))
    return errs


SUMMARY_SID = 1610200      # incident summaries: written when incidents close


def is_alert(r):
    """An alert raised on traffic (not an incident summary)."""
    return r.get("event_type") == "alert" and \
        r.get("alert", {}).get("signature_id") != SUMMARY_SID


def alerts(records):
    return [r for r in records if is_alert(r)]


def wait_for(cond, timeout, what, step=0.02):
    """Polls cond() until it is true; raises after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out after %.1f s waiting for %s" %
                         (timeout, what))


def summary_counter(stderr, name):
    m = re.search(r"^\s+%s\s+(\d+)\s" % re.escape(name), stderr, re.M)
    return int(m.group(1)) if m else 0


def stop_pid(pid, timeout=5.0):
    """SIGTERM, wait (bounded), then SIGKILL: for processes we started."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_proc(proc, timeout=5.0):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# ---------------------------------------------------------------- syslog
class Rsyslog:
    """A private rsyslogd writing every message to DIR/syslog.out with the
    facility, severity, tag and a microsecond receive time."""

    def __init__(self, d):
        self.dir = d
        self.sock = os.path.join(d, "log.sock")
        self.out = os.path.join(d, "syslog.out")
        self.conf = os.path.join(d, "rsyslog.conf")
        self.pidfile = os.path.join(d, "rsyslog.pid")
        self.proc = None

    def start(self):
        with open(self.conf, "w") as f:
            f.write(
                'global(workDirectory="%s" maxMessageSize="64k")\n'
                'module(load="imuxsock" SysSock.Use="off")\n'
                'input(type="imuxsock" Socket="%s" CreatePath="on")\n'
                'template(name="ts" type="string" string="'
                '%%timegenerated:::date-rfc3339%% '
                '%%syslogfacility-text%%.%%syslogseverity-text%% '
                '%%syslogtag%%%%msg%%\\n")\n'
                '*.* action(type="omfile" file="%s" template="ts")\n'
                % (self.dir, self.sock, self.out))
        self.log = open(os.path.join(self.dir, "rsyslogd.log"), "w")
        self.proc = subprocess.Popen(
            ["rsyslogd", "-n", "-f", self.conf, "-i", self.pidfile],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(self.sock) or
                 self.proc.poll() is not None, 10, "rsyslogd's socket")
        if self.proc.poll() is not None:
            raise AssertionError("rsyslogd exited: " + open(
                os.path.join(self.dir, "rsyslogd.log")).read())

    def stop(self):
        stop_proc(self.proc)
        self.log.close()

    def lines(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out, encoding="utf-8", errors="replace") as f:
            return [l.rstrip("\n") for l in f]

    def messages(self, tag_prefix="typosentry"):
        """(time, facility.severity, tag, message) of our messages."""
        out = []
        for l in self.lines():
            m = re.match(r"(\S+) (\S+) (%s\S*?)(?:\[\d+\])?: (.*)$" %
                         re.escape(tag_prefix), l)
            if m:
                out.append(m.groups())
        return out


def private_dev(d, sock):
    """Command prefix: a mount namespace whose /dev holds the usual
    character devices and a /dev/log symlink to sock."""
    script = (
        'set -e; mount --make-rprivate /; dev="$1"; sock="$2"; shift 2; '
        'mkdir -p "$dev"; mount -t tmpfs -o size=64k,mode=0755 tmpfs "$dev"; '
        'for n in null zero full random urandom tty; do '
        ': > "$dev/$n"; mount --bind "/dev/$n" "$dev/$n"; done; '
        'ln -s "$sock" "$dev/log"; mount --bind "$dev" /dev; exec "$@"')
    return ["unshare", "-m", "sh", "-c", script, "sh",
            os.path.join(d, "dev"), sock]


def rfc3339(ts):
    """Seconds since the epoch of '2026-11-23T03:38:16.049763+00:00' or
    of an EVE timestamp '2026-11-23T03:38:16.049763+0000'."""
    import datetime
    ts = re.sub(r"\+00:?00$", "+00:00", ts)
    return datetime.datetime.fromisoformat(ts).timestamp()


def shipped_config(path, **overrides):
    """Writes to path the shipped etc/typosentry.yaml (what the built-in
    configuration protects) with some keys of the sensor sections set:
    shipped_config(p, stats_interval="1", syslog_enabled="true").  A key
    that is commented out or absent is added to its section."""
    want = {}
    for k, v in overrides.items():
        section, key = k.split("_", 1)
        want.setdefault(section, {})[key.replace("_", "-")] = v
    with open("etc/typosentry.yaml") as f:
        lines = f.read().splitlines()
    out, section = [], None
    done = set()

    def flush():
        for key, v in want.get(section, {}).items():
            if (section, key) not in done:
                out.append("  %s: %s" % (key, v))
                done.add((section, key))
    for line in lines:
        m = re.match(r"^([a-z][a-z-]*):", line)
        if m:
            flush()
            section = m.group(1)
        m = re.match(r"^  ([a-z-]+):", line)
        if m and section in want and m.group(1) in want[section]:
            out.append("  %s: %s" % (m.group(1), want[section][m.group(1)]))
            done.add((section, m.group(1)))
            continue
        out.append(line)
    flush()
    for section, keys in want.items():
        if not any(s == section for s, _ in done):
            out.append(section + ":")
            for key, v in keys.items():
                out.append("  %s: %s" % (key, v))
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
