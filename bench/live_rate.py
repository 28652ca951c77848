#!/usr/bin/python3
"""live_rate.py — the live part of the capture benchmark: the highest
tcpreplay rate onto a veth at which typosentry drops no packets, next to
the rate at which the kernel starts dropping for a bare capture, and the
same for typosentry with 2 workers (capture.workers) on 2 CPUs or more;
with the CPU time each spent per packet read.

usage: live_rate.py TYPOSENTRY FLOOR CAPTURE

Two network namespaces joined by a veth pair (made here, removed after).
For each rate of a ladder (packets/s, then tcpreplay --topspeed, then
two tcpreplays at top speed at once), one
tool listens on the server end (typosentry with the default
configuration, or `floor -i`, a bare libpcap loop set up the same way but
with no filter) while tcpreplay sends CAPTURE at that rate from the client
end; the tool is stopped a second after the last packet and its kernel
drop count (pcap_stats) read.  A tool's ladder stops at its first rate
with drops.  The rates printed are what tcpreplay reports it achieved.

Needs root, ip and tcpreplay; says why and exits 0 when it cannot run.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
import live  # noqa: E402  (the namespaces of the live tests)
import opslib as L  # noqa: E402

RATES = [25000, 50000, 100000, 150000, 200000, 300000, 400000, 600000, 0, -1]
RATE_NAMES = {0: "top speed", -1: "2 x top"}


def replay(net, cap, rate):
    """Sends cap at rate packets/s (0: top speed; -1: two senders at top
    speed at once); returns (packets sent, packets/s achieved)."""
    speed = ["--topspeed"] if rate <= 0 else ["--pps=%d" % rate]
    argv = net.ns("c") + ["tcpreplay", "-i", "c-veth"] + speed + [cap]
    t0 = time.monotonic()
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
             for _ in range(2 if rate < 0 else 1)]
    texts = [p.communicate(timeout=600)[0].decode() for p in procs]
    took = time.monotonic() - t0
    sent = 0
    for text in texts:
        m = re.search(r"Successful packets:\s+(\d+)", text)
        pps = re.search(r"Rated: .*?([\d.]+) pps", text)
        if not m or not pps:
            raise SystemExit("live_rate: tcpreplay said: " + text)
        sent += int(m.group(1))
    # One sender: its own figure; two: all they sent over the time both took.
    return sent, float(pps.group(1)) if rate >= 0 else sent / took


def trial(net, argv, cap, rate, d):
    """One tool, one rate: returns (sent, achieved pps, read, dropped)."""
    errp = os.path.join(d, "stderr")
    outp = os.path.join(d, "stdout")
    with open(errp, "wb") as err, open(outp, "wb") as out:
        proc = subprocess.Popen(net.ns("s") + argv, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
    try:
        L.wait_for(lambda: "capturing on" in open(errp).read() or
                   proc.poll() is not None, 10, "the capture to start")
        if proc.poll() is not None:
            raise SystemExit("live_rate: %s: %s" % (argv[0],
                                                    open(errp).read()))
        sent, pps = replay(net, cap, rate)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        # ip netns exec execs the tool: its own CPU time, from wait4().
        _, _, ru = os.wait4(proc.pid, 0)
        proc.returncode = 0
        trial.cpu = ru.ru_utime + ru.ru_stime
    finally:
        L.stop_proc(proc)
    e, o = open(errp).read(), open(outp).read()
    if "floor" in os.path.basename(argv[0]):
        m = re.search(r"packets (\d+) .* dropped (\d+)", o)
        if not m:
            raise SystemExit("live_rate: floor said: " + o + e)
        return sent, pps, int(m.group(1)), int(m.group(2))
    return (sent, pps, L.summary_counter(e, "packets"),
            L.summary_counter(e, "kernel_drops"))


def ladder(net, name, argv, cap, d):
    best = None
    print("%-12s %12s %12s %10s %10s %12s" % ("tool", "asked pps",
                                              "sent pps", "read", "dropped",
                                              "CPU ns/pkt"))
    for rate in RATES:
        sent, pps, read, dropped = trial(net, argv, cap, rate, d)
        print("%-12s %12s %12.0f %10d %10d %12.0f" % (
            name, RATE_NAMES.get(rate, str(rate)), pps, read,
            dropped, trial.cpu * 1e9 / max(read, 1)), flush=True)
        if dropped > 0:
            return best, pps, False
        best = pps if best is None else max(best, pps)
    return best, None, True


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ts, floor, cap = (os.path.abspath(a) for a in sys.argv[1:4])
    if os.geteuid() != 0:
        print("live_rate: skipped: needs root for network namespaces")
        return 0
    for tool in ("ip", "tcpreplay"):
        if subprocess.run(["sh", "-c", "command -v " + tool],
                          capture_output=True).returncode != 0:
            print("live_rate: skipped: %s is not installed" % tool)
            return 0
    net = live.Net()
    results = {}
    with tempfile.TemporaryDirectory(prefix="typosentry-live.") as d:
        try:
            net.up()
        except live.Skip as e:
            print("live_rate: skipped: %s" % e)
            return 0
        try:
            results["floor"] = ladder(net, "floor", [floor, "-i", "s-veth"],
                                      cap, d)
            results["typosentry"] = ladder(
                net, "typosentry", [ts, "-i", "s-veth", "-l", d], cap, d)
            names = ["floor", "typosentry"]
            if (os.cpu_count() or 1) >= 2:
                # Two workers: one PACKET_FANOUT group (capture.workers).
                results["2 workers"] = ladder(
                    net, "2 workers", [ts, "-i", "s-veth", "-l", d,
                                       "--workers", "2"], cap, d)
                names.append("2 workers")
        finally:
            net.down()
    for name in names:
        best, first_drop, never = results[name]
        if never:
            print("%s: no drops at any rate tried, up to %.0f pps (as fast "
                  "as tcpreplay sends here)" % (name, best))
        elif best is None:
            print("%s: drops already at %.0f pps" % (name, first_drop))
        else:
            print("%s: no drops at %.0f pps; drops from %.0f pps"
                  % (name, best, first_drop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
