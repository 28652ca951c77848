#!/usr/bin/python3
"""workers.py — 1 worker against 2 (capture.workers) on a capture, offline.

usage: workers.py TYPOSENTRY CAPTURE [N]

Reads the capture once (page cache), then runs typosentry -q -r CAPTURE
with --workers 1 and --workers N (default 2) in turn, REPEAT times each
(default 5, environment BENCH_REPEAT), and keeps each one's best wall
time: the two alternate, so a slow spell of a shared machine falls on
both.  Prints wall and CPU seconds, CPU per packet, the speed-up (wall)
and the load average during the runs; checks that both raised the same
number of alerts.  Exit status 0, or 1 when the alerts differ (the
speed-up is reported, not judged: it depends on the machine's load).
"""
import os
import re
import subprocess
import sys
import time


def run(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(err)
        raise SystemExit("bench: %s exited with an error" % argv[0])
    alerts = re.search(r"^\s+alerts\s+(\d+)", err, re.M)
    packets = re.search(r"^\s+packets\s+(\d+)", err, re.M)
    return (wall, ru.ru_utime + ru.ru_stime,
            int(alerts.group(1)) if alerts else 0,
            int(packets.group(1)) if packets else 0)


def main():
    binary, cap = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    with open(cap, "rb") as f:
        while f.read(1 << 20):
            pass
    best = {}
    load0 = os.getloadavg()[0]
    for _ in range(repeat):
        for w in (1, n):
            r = run([binary, "--workers", str(w), "-r", cap])
            if w not in best or r[0] < best[w][0]:
                best[w] = r
    load1 = os.getloadavg()[0]
    for w in (1, n):
        wall, cpu, alerts, packets = best[w]
        print("workers %d: wall %.2f s, CPU %.2f s (%.0f ns per packet), "
              "%.0f packets/s, %d alerts" % (
                  w, wall, cpu, cpu * 1e9 / max(packets, 1),
                  packets / wall, alerts))
    print("speed-up with %d workers: %.2fx (wall, best of %d each; load "
          "average %.1f before, %.1f after, on %d CPUs)" % (
              n, best[1][0] / best[n][0], repeat, load0, load1,
              os.cpu_count()))
    if best[1][2] != best[n][2]:
        print("bench: %d alerts with 1 worker, %d with %d" %
              (best[1][2], best[n][2], n))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
