#!/usr/bin/python3
"""policy_rate.py — `make bench`'s policy benchmark: typosentry policyd on a
unix socket (as Postfix's check_policy_service unix:private/... reaches
it) and on loopback TCP, with EVE alerts written to a file, driven by
bench/policy_bench with 50 concurrent connections for 5 seconds each, in
two ways: as fast as policyd answers (each connection sends its next
request when the reply is in: the most decisions per second), and at an
offered load of 20,000 requests a second spread over the 50 connections
(the latency a request sees at that load).  Also policyd's CPU time per
decision (from /proc), which a busy machine disturbs less than rates.
The target: 20,000 decisions/s with p99 under 1 ms.

usage: policy_rate.py TYPOSENTRY POLICY_BENCH [CONNECTIONS [SECONDS]]
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def cpu_seconds(pid):
    """utime + stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    binary, client = sys.argv[1], sys.argv[2]
    conns = sys.argv[3] if len(sys.argv) > 3 else "50"
    secs = sys.argv[4] if len(sys.argv) > 4 else "5"
    d = tempfile.mkdtemp(prefix="ts-policy-bench-")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ok = True
    try:
        for listen, rate in (("unix:" + os.path.join(d, "policy.sock"), "0"),
                             ("unix:" + os.path.join(d, "policy.sock"),
                              "20000"),
                             ("inet:127.0.0.1:%d" % port, "0"),
                             ("inet:127.0.0.1:%d" % port, "20000")):
            err = open(os.path.join(d, "stderr"), "w")
            p = subprocess.Popen([binary, "policyd", "-q", "--listen", listen,
                                  "-l", d], stderr=err)
            try:
                for _ in range(100):
                    if "listening on" in open(os.path.join(d, "stderr")).read():
                        break
                    time.sleep(0.05)
                cpu0 = cpu_seconds(p.pid)
                out = subprocess.run([client, listen, conns, secs, rate],
                                     capture_output=True, text=True,
                                     timeout=int(secs) + 60)
                cpu = cpu_seconds(p.pid) - cpu0
            finally:
                p.send_signal(signal.SIGTERM)
                p.wait(10)
                err.close()
            if out.returncode != 0:
                print("policy bench %s: %s" % (listen, out.stderr.strip()))
                ok = False
                continue
            f = out.stdout.split()
            v = dict(zip(f[0::2], f[1::2]))
            got, p99 = float(v["decisions/s"]), int(v["p99_us"])
            # The client runs a warm-up second before its measured ones.
            per = cpu / (got * (int(secs) + 1)) * 1e6 if got > 0 else 0
            print("policy bench %s, %s connections, %s: %.0f decisions/s, "
                  "p50 %s us, p99 %s us, max %s us; policyd CPU %.1f us a "
                  "decision%s" % (
                      listen.split(":")[0], v["connections"],
                      "as fast as answered" if rate == "0" else
                      "offered %s/s" % rate, got, v["p50_us"], p99,
                      v["max_us"], per,
                      "" if rate == "0" else
                      "  [target >= 20000/s, p99 < 1000 us: %s]" %
                      ("met" if got >= 19800 and p99 < 1000 else "NOT met")))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
