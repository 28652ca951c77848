#!/usr/bin/python3
"""sandbox.py — after start-up the sensor can touch no file but its own.

typosentry reads a capture from a pipe (so it stays up; a record written
after each signal makes it act on it), with -l DIR and -c CONF.  Then, as
logrotate and an editor would:

1. eve.json is moved away and SIGHUP sent: a new eve.json is created in
   DIR (allowed), and the configuration is read again (allowed);
2. eve.json is replaced by a symbolic link to a file in another directory
   and SIGHUP sent: the reopen is refused (Permission denied, though the
   sensor runs as root) and records keep going to the old file;
3. the configuration is replaced by a link to a file in another
   directory and SIGHUP sent: the reload is refused;

and with run.sandbox: false, the same two steps succeed, which shows that
the sandbox is what refused them.  Skipped (77) when the kernel has no
Landlock.  Each run takes a few seconds.

usage: sandbox.py BINARY
"""
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time

CAPTURE = os.path.join(os.path.dirname(__file__), "..", "pcaps", "demo.pcap")


def landlock_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(444, None, 0, 1)   # landlock_create_ruleset, VERSION


def records(path):
    """The file header and each record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    out, o = [], 24
    while o + 16 <= len(data):
        n = int.from_bytes(data[o + 8:o + 12], "little")
        out.append(data[o:o + 16 + n])
        o += 16 + n
    return data[:24], out


def wait_for(pred, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def scenario(binary, d, sandbox):
    """Returns (reopen outside allowed, reload outside allowed, stderr)."""
    logdir, other, cfgdir = (os.path.join(d, x) for x in
                             ("log", "other", "etc"))
    for x in (logdir, other, cfgdir):
        os.mkdir(x)
    conf = os.path.join(cfgdir, "typosentry.yaml")
    text = "protect: {tlds: [mil]}\nrun: {sandbox: %s}\n" % (
        "true" if sandbox else "false")
    with open(conf, "w") as f:
        f.write(text)
    errpath = os.path.join(d, "stderr")
    with open(errpath, "w") as err:
        proc = subprocess.Popen([binary, "-q", "-c", conf, "-l", logdir,
                                 "-r", "-"], stdin=subprocess.PIPE,
                                stderr=err)
    eve = os.path.join(logdir, "eve.json")
    header, recs = records(CAPTURE)
    proc.stdin.write(header + recs[0])
    proc.stdin.flush()

    def log():
        with open(errpath) as f:
            return f.read()
    try:
        if not wait_for(lambda: os.path.exists(eve)):
            raise RuntimeError("no eve.json")
        time.sleep(0.3)             # past start-up: the sandbox is on
        os.rename(eve, eve + ".1")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        proc.stdin.write(recs[1])
        proc.stdin.flush()
        if not wait_for(lambda: log().count("reloaded (") == 1):
            raise RuntimeError("first reload not seen: " + log())
        # The reload is logged just before the EVE file is reopened.
        if not wait_for(lambda: os.path.exists(eve)):
            raise RuntimeError("no new eve.json after SIGHUP: " + log())

        # A link planted in the log directory, pointing elsewhere.
        os.rename(eve, eve + ".2")
        outside = os.path.join(other, "eve.json")
        os.symlink(outside, eve)
        # The configuration replaced by a link to another directory.
        moved = os.path.join(other, "typosentry.yaml")
        with open(moved, "w") as f:
            f.write(text)
        os.remove(conf)
        os.symlink(moved, conf)
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        proc.stdin.write(recs[2])
        proc.stdin.flush()
        if not wait_for(lambda: "not reloaded" in log() or
                        log().count("reloaded (") == 2):
            raise RuntimeError("second SIGHUP not answered: " + log())
        time.sleep(0.3)
    finally:
        proc.stdin.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    return os.path.exists(outside), log().count("reloaded (") == 2, log()


def main():
    binary = sys.argv[1]
    if landlock_abi() < 1:
        print("sandbox: skipped: this kernel has no Landlock")
        return 77
    problems = []
    with tempfile.TemporaryDirectory(prefix="ts-sandbox-") as d:
        os.mkdir(os.path.join(d, "on"))
        wrote, reloaded, err = scenario(binary, os.path.join(d, "on"), True)
        if wrote:
            problems.append("sandboxed: eve.json was reopened through a "
                            "link outside the log directory")
        if reloaded:
            problems.append("sandboxed: the configuration was read "
                            "through a link outside its directory")
        if "cannot reopen the EVE log" not in err or \
                "Permission denied" not in err:
            problems.append("sandboxed: no 'Permission denied' logged")
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if bad in err:
                problems.append("sandboxed: " + bad)
        os.mkdir(os.path.join(d, "off"))
        wrote, reloaded, err2 = scenario(binary, os.path.join(d, "off"),
                                         False)
        if not wrote or not reloaded:
            problems.append("run.sandbox false: the same steps failed "
                            "(reopen %s, reload %s): %s" %
                            (wrote, reloaded, err2))
    for p in problems:
        print("sandbox: " + p)
    if problems:
        print(err)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
