#!/usr/bin/python3
"""redis.py — EVE to a real redis-server on loopback (output.redis).

usage: redis.py BINARY TEST      run one test (exit 0 pass, 1 fail, 77 skip)
       redis.py --list           the tests

Each test starts its own redis-server (a free loopback port, its own
directory, append-only file fsynced on every write, so what it
acknowledged survives a SIGKILL) and typosentry reading a capture from
standard input at the test's pace, with EVE to a file as well: the file
says which records were made, the Redis key which arrived.

  restart      the server is killed in the middle of the replay and
               started again: every record arrives once (the spool holds
               what is made meanwhile), in the file's order
  spool-bound  the same with a 16 KiB spool: what does not fit is dropped,
               counted (redis_dropped) and said; what fits arrives once
  modes        list (LPUSH), rpush, channel (PUBLISH, to a subscriber)
               and stream (XADD key * eve RECORD) each carry every record
  unreachable  no server at start-up: a warning naming the keys, the
               sensor runs; a name that does not resolve: exit 2 naming
               output.redis.server

Every process is stopped by its PID; the directories are removed.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as L  # noqa: E402

DNS_PCAP = "pcaps/dns-mx-eth.pcap"
SKIP = 77


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Redis:
    """A private redis-server: start(), kill(), cli()."""

    def __init__(self, d, port, name="redis"):
        self.dir = os.path.join(d, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = port
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", self.dir, "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--daemonize", "no",
             "--logfile", os.path.join(self.dir, "log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        L.wait_for(lambda: self.ping(), 10, "redis-server to answer")

    def ping(self):
        r = subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                           capture_output=True, timeout=10)
        return r.stdout.strip() == b"PONG"

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                           capture_output=True, timeout=30)
        return r.stdout.decode("utf-8", "replace")

    def llen(self, key):
        out = self.cli("llen", key).strip()
        return int(out) if out.isdigit() else -1

    def lrange(self, key):
        # One record per line: redis-cli prints raw values with --no-raw
        # off when not on a terminal.
        out = self.cli("--raw", "lrange", key, "0", "-1")
        return [l for l in out.splitlines() if l]

    def kill(self):
        """SIGKILL: what was acknowledged is in the append-only file."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self):
        if self.proc is not None:
            L.stop_pid(self.proc.pid)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.proc = None


def config(d, port, extra="", top=""):
    path = os.path.join(d, "redis.yaml")
    with open(path, "w") as f:
        f.write(top + "protect:\n  tlds: [mil, gov]\n  domains: [gmail.com]\n"
                "output:\n  dns: true\n  redis:\n    enabled: true\n"
                "    server: 127.0.0.1\n    port: %d\n    key: eve\n%s"
                % (port, extra))
    return path


def start_sensor(binary, d, cfg):
    logdir = os.path.join(d, "log")
    os.makedirs(logdir, exist_ok=True)
    errf = open(os.path.join(d, "stderr"), "wb")
    proc = subprocess.Popen([binary, "-c", cfg, "-l", logdir, "-r", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=errf)
    proc.errf = errf
    return proc, os.path.join(logdir, "eve.json")


def feed(proc, recs, pace=0.0):
    """Writes recs; with pace, one every pace seconds (a spool of a few
    records then never fills while the server is there)."""
    for sec, usec, data, orig in recs:
        proc.stdin.write(L.pcap_record(sec, usec, data, orig))
        if pace:
            proc.stdin.flush()
            time.sleep(pace)
    proc.stdin.flush()


def finish(proc, timeout=60):
    proc.stdin.close()
    try:
        rc = proc.wait(timeout)
    finally:
        L.stop_proc(proc)
        proc.errf.close()
    return rc


def err(d):
    with open(os.path.join(d, "stderr"), errors="replace") as f:
        return f.read()


def file_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return [l.decode("utf-8") for l in f.read().splitlines()]


def settled(path, at_least):
    """The file's line count once it has at_least lines and has not grown
    for 0.3 s (every packet fed so far has been through)."""
    last, since = -1, time.monotonic()
    end = time.monotonic() + 30
    while time.monotonic() < end:
        n = len(file_lines(path))
        if n != last:
            last, since = n, time.monotonic()
        elif n >= at_least and time.monotonic() - since >= 0.3:
            return n
        time.sleep(0.05)
    raise AssertionError("the EVE file did not settle (%d lines)" % last)


def replay_with_outage(binary, d, spool_extra, copies=12, pace=0.0, top=""):
    """Three parts of a capture: before, during and after an outage (the
    first and last at pace).  Returns (file records, Redis records,
    stderr, [n1, n2])."""
    linktype, _, recs = L.read_pcap(DNS_PCAP)
    recs = L.copies(recs, copies, step=5)
    third = len(recs) // 3
    port = free_port()
    red = Redis(d, port)
    red.start()
    proc = None
    try:
        proc, eve = start_sensor(binary, d, config(d, port, spool_extra,
                                                   top))
        proc.stdin.write(L.pcap_header(linktype))
        feed(proc, recs[:third], pace)
        n1 = settled(eve, third)
        L.wait_for(lambda: red.llen("eve") == n1, 20,
                   "the first part in Redis")
        red.kill()
        feed(proc, recs[third:2 * third])
        n2 = settled(eve, n1 + third)
        check(red.ping() is False, "redis-server still answers")
        red.start()
        # The sensor reconnects on its own (back-off: 1 s doubling).
        L.wait_for(lambda: "output.redis: connected to" in err(d), 40,
                   "the sensor to reconnect")
        # and has sent what its spool kept.
        last, since = -1, time.monotonic()
        while time.monotonic() - since < 0.3:
            n = red.llen("eve")
            if n != last:
                last, since = n, time.monotonic()
            time.sleep(0.05)
        feed(proc, recs[2 * third:], pace)
        rc = finish(proc, 90)
        proc = None
        check(rc == 0, "typosentry exited %s: %s" % (rc, err(d)[-1500:]))
        got = red.lrange("eve")
        got.reverse()           # LPUSH: the newest first
        return file_lines(eve), got, err(d), [n1, n2]
    finally:
        if proc is not None:
            L.stop_proc(proc)
        red.stop()


def t_restart(binary, d):
    made, got, stderr, (n1, n2) = replay_with_outage(binary, d, "")
    check(n2 > n1, "no record was made while Redis was away")
    check(len(set(made)) == len(made), "the file has repeated records")
    check(len(got) == len(set(got)), "a record arrived twice in Redis")
    check(got == made, "Redis has %d records, the file %d (first missing: "
          "%s)" % (len(got), len(made),
                   next((m[:160] for m in made if m not in got), None)))
    check(L.summary_counter(stderr, "redis_sent") == len(made),
          "redis_sent is not %d:\n%s" % (len(made), stderr[-1500:]))
    check(L.summary_counter(stderr, "redis_dropped") == 0, "drops counted")
    check(L.summary_counter(stderr, "redis_reconnects") >= 1,
          "no reconnect counted:\n" + stderr[-1500:])
    check("lost the connection" in stderr or "cannot connect" in stderr,
          "the outage was not said:\n" + stderr[-1500:])


def t_spool_bound(binary, d):
    made, got, stderr, (n1, n2) = replay_with_outage(
        binary, d, "    spool: 16kb\n", copies=3, pace=0.02,
        # No incident summaries: they all come at exit, in one burst.
        top="correlation:\n  window: 0\n")
    dropped = L.summary_counter(stderr, "redis_dropped")
    check(dropped > 0, "nothing dropped with a 16 KiB spool:\n" +
          stderr[-1500:])
    check(len(got) == len(set(got)), "a record arrived twice in Redis")
    check(len(got) + dropped == len(made),
          "%d in Redis + %d dropped != %d made" % (len(got), dropped,
                                                  len(made)))
    # What arrived is in the file's order; the lost ones were made during
    # the outage, after those of the outage that fitted in the spool.
    pos = {m: i for i, m in enumerate(made)}
    idx = [pos[g] for g in got]
    check(idx == sorted(idx), "Redis does not keep the file's order")
    lost = sorted(set(range(len(made))) - set(idx))
    check(all(n1 <= i < n2 for i in lost),
          "records lost outside the outage: %s" % lost[:10])
    # The spool kept the first records of the outage, up to its bound (a
    # smaller record can still fit after a larger one did not).
    check(lost[0] > n1, "not one record of the outage was spooled")
    kept = sum(len(made[i]) for i in range(n1, lost[0]))
    check(kept <= 16 * 1024, "more than the spool's bound was kept")
    check("spool full" in stderr and "output.redis.spool" in stderr,
          "the drops were not said:\n" + stderr[-1500:])
    # Said at the first drop, and at exit for those after that message.
    check(stderr.count("output.redis: spool full") <= 2,
          "the drops were said more than once in the interval:\n" +
          stderr[-2000:])


def run_mode(binary, d, mode, fetch):
    port = free_port()
    red = Redis(d, port, "redis-" + mode)
    red.start()
    try:
        cfg = config(d, port, "    mode: %s\n" % mode)
        logdir = os.path.join(d, "log-" + mode)
        os.makedirs(logdir)
        sub = None
        if mode == "channel":
            sub = subprocess.Popen(["redis-cli", "-p", str(port), "--raw",
                                    "subscribe", "eve"],
                                   stdout=subprocess.PIPE)
            L.wait_for(lambda: red.cli("pubsub", "numsub", "eve")
                       .split()[-1:] == ["1"], 10, "the subscriber")
        r = subprocess.run([binary, "-q", "-c", cfg, "-l", logdir, "-r",
                            DNS_PCAP], capture_output=True, timeout=60)
        check(r.returncode == 0, "%s: exit %d" % (mode, r.returncode))
        made = file_lines(os.path.join(logdir, "eve.json"))
        got = fetch(red, sub, len(made))
        check(sorted(got) == sorted(made), "%s: %d records in Redis, %d in "
              "the file" % (mode, len(got), len(made)))
    finally:
        red.stop()


def t_modes(binary, d):
    def lpush(red, sub, n):
        return red.lrange("eve")

    def stream(red, sub, n):
        out = red.cli("--raw", "xrange", "eve", "-", "+").splitlines()
        # id, "eve", record, for each entry.
        return [out[i + 2] for i in range(0, len(out), 3)
                if out[i + 1] == "eve"]

    def channel(red, sub, n):
        lines = []
        end = time.monotonic() + 10
        while len([l for l in lines if l.startswith(b"{")]) < n and \
                time.monotonic() < end:
            lines.append(sub.stdout.readline().rstrip(b"\n"))
        L.stop_proc(sub)
        return [l.decode() for l in lines if l.startswith(b"{")]

    for mode, fetch in (("list", lpush), ("rpush", lpush),
                        ("stream", stream), ("channel", channel)):
        run_mode(binary, d, mode, fetch)


def t_unreachable(binary, d):
    port = free_port()
    cfg = config(d, port)
    t0 = time.monotonic()
    r = subprocess.run([binary, "-c", cfg, "-r", DNS_PCAP, "--stdout"],
                       capture_output=True, timeout=60)
    stderr = r.stderr.decode()
    check(r.returncode == 0, "exit %d without a server" % r.returncode)
    check("cannot connect to 127.0.0.1 port %d (output.redis.server, "
          "output.redis.port)" % port in stderr, stderr[-1500:])
    check(r.stdout.count(b"\n") > 0, "no EVE to standard output")
    check(L.summary_counter(stderr, "redis_dropped") ==
          r.stdout.count(b"\n"), "the records left were not counted")
    check(time.monotonic() - t0 < 30, "the exit waited too long")
    bad = config(d, port).replace("server: 127.0.0.1",
                                  "server: no-such-host.invalid")
    with open(os.path.join(d, "bad.yaml"), "w") as f:
        f.write(open(bad).read().replace("server: 127.0.0.1",
                                         "server: no-such-host.invalid"))
    r = subprocess.run([binary, "-c", os.path.join(d, "bad.yaml"), "-r",
                        DNS_PCAP], capture_output=True, timeout=60)
    check(r.returncode == 2 and b"output.redis.server: cannot resolve "
          b"'no-such-host.invalid'" in r.stderr, r.stderr.decode()[-800:])


TESTS = {
    "restart": t_restart,
    "spool-bound": t_spool_bound,
    "modes": t_modes,
    "unreachable": t_unreachable,
}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join("redis-" + t for t in TESTS))
        return 0
    binary, name = sys.argv[1:3]
    name = name[len("redis-"):] if name.startswith("redis-") else name
    binary = os.path.abspath(binary) if os.path.exists(binary) else binary
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        print("SKIP redis-%s: redis-server is not installed" % name)
        return SKIP
    d = tempfile.mkdtemp(prefix="ts-redis-")
    try:
        TESTS[name](binary, d)
        return 0
    except (Fail, AssertionError, subprocess.TimeoutExpired) as e:
        print("FAIL redis-%s (%s): %s" % (name, os.path.basename(binary), e))
        return 1
    finally:
        if os.environ.get("KEEP"):
            print("kept " + d)
        else:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
