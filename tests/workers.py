#!/usr/bin/python3
"""workers.py — 2 workers give the alerts and incidents of 1 (order aside).

For every end-to-end case that reads captures and writes EVE to standard
output (tests/e2e/*/test.yaml, with its own arguments and configuration),
and for every capture of pcaps/ with the built-in configuration (the
correlation captures among them), typosentry runs with --workers 1 and
--workers 2: the alert records (incident summaries included) must be the
same multiset.  Incident ids differ between runs (each worker numbers its
own), so each is replaced by its incident's client and observed name.

One difference is expected, and checked to be exactly what it is: in
mail-tls-aaaa-only a dual-stack host looks the MX up over IPv4 and delivers
over IPv6; one worker links them across the host's addresses, two workers
(which know a client by its address) put them apart, so the session to an
exchange its worker never heard of is not followed (README "Across a
host's addresses").
"""
import glob
import json
import os
import struct
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def normalise(records):
    """Alerts with incident ids replaced by (client, observed)."""
    names = {}
    for r in records:
        inc = r.get("alert", {}).get("context", {}).get("incident", {})
        if inc.get("summary"):
            names[inc["id"]] = "%s %s" % (inc["client"], inc["observed"])
    out = []
    for r in records:
        if r.get("event_type") != "alert":
            continue
        inc = r.get("alert", {}).get("context", {}).get("incident")
        if inc is not None and "id" in inc:
            inc["id"] = names.get(inc["id"], "unsummarised")
        out.append(json.dumps(r, sort_keys=True))
    return sorted(out)


def run(binary, args, workers):
    r = subprocess.run([binary, "-q", "--workers", str(workers)] + args,
                       capture_output=True, timeout=300, cwd=ROOT)
    recs = [json.loads(l) for l in r.stdout.decode("utf-8").splitlines()]
    return r.returncode, normalise(recs)


def cases():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/e2e/*/test.yaml"))):
        case = os.path.dirname(path)
        with open(path) as f:
            spec = yaml.safe_load(f)
        args = [a.replace("@CASE@", case) for a in spec.get("args", [])]
        if spec.get("exit", 0) != 0 or "-r" not in args or \
                spec.get("stdin") or spec.get("eve", "stdout") != "stdout" or \
                any("@LOGDIR@" in a for a in args) or "-l" in args:
            continue
        yield os.path.basename(case), args
    for cap in sorted(glob.glob(os.path.join(ROOT, "pcaps/*.pcap*"))):
        yield os.path.basename(cap), ["-r", cap, "--stdout"]


# Captures whose lookup and session come from two client addresses.
ACROSS_ADDRESSES = {"mail-tls-aaaa-only", "mail-tls-aaaa-only.pcap"}


def split_as_expected(one, two):
    """Two workers lost the followed session's open and end alerts and the
    summary lost the session; the other alerts (the lookup's, the SNI's,
    which then carries no correlation) are there, on the same flows."""
    def parse(lst):
        return [json.loads(x) for x in lst]

    def sid(r):
        return r["alert"]["signature_id"]

    def summary(r):
        return r["alert"].get("context", {}).get("incident", {}).get(
            "summary", False)

    def rest(lst):
        return sorted((sid(r), r["flow_id"]) for r in lst
                      if sid(r) not in (1610104, 1610105) and not summary(r))
    one, two = parse(one), parse(two)
    sums = [r for r in two if summary(r)]
    return (rest(one) == rest(two) and
            sorted(sid(r) for r in one if sid(r) in (1610104, 1610105)) ==
            [1610104, 1610105] and
            not [r for r in two if sid(r) in (1610104, 1610105)] and
            len(sums) == 1 and
            sums[0]["alert"]["context"]["incident"]["smtp_sessions"] == 0)


def broken_captures(d):
    """Captures libpcap cannot read to the end, made here from pcaps/: a
    record cut in its data, one cut in its header, one longer than any snap
    length.  The reader of several workers must stop where libpcap does,
    saying what it says."""
    with open(os.path.join(ROOT, "pcaps/dns-mx-eth.pcap"), "rb") as f:
        data = f.read()
    sec, usec, incl, orig = struct.unpack("<IIII", data[24:40])
    first = data[:40 + incl]
    out = {
        "cut-data": data[:len(first) + 16 + 10],
        "cut-header": first + data[len(first):len(first) + 6],
        "too-long": first + struct.pack("<IIII", sec, usec, 300000, 300000)
        + b"x" * 64,
    }
    for name, content in sorted(out.items()):
        path = os.path.join(d, name + ".pcap")
        with open(path, "wb") as f:
            f.write(content)
        yield name, path


def stops_alike(binary):
    """Number of broken captures where 1 and 2 workers differ (printed)."""
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for name, path in broken_captures(d):
            said = []
            for w in (1, 2):
                r = subprocess.run([binary, "--workers", str(w), "-r", path,
                                    "--stdout"], capture_output=True,
                                   timeout=60)
                stop = [l for l in r.stderr.decode().splitlines()
                        if "stopped after" in l]
                said.append((r.returncode, stop, len(r.stdout)))
            if said[0] != said[1] or not said[0][1]:
                bad += 1
                print("workers: %s: 1 worker %s, 2 workers %s" %
                      (name, said[0], said[1]))
    return bad


def main():
    binary = os.path.abspath(sys.argv[1])
    bad = compared = alerts = 0
    bad += stops_alike(binary)
    for name, args in cases():
        rc1, one = run(binary, args, 1)
        rc2, two = run(binary, args, 2)
        compared += 1
        alerts += len(one)
        if name in ACROSS_ADDRESSES and rc1 == rc2 == 0 and \
                split_as_expected(one, two):
            print("workers: %s: split across the host's addresses, as "
                  "expected" % name)
            continue
        if rc1 != rc2 or one != two:
            bad += 1
            print("workers: %s: 1 worker: exit %d, %d alerts; 2 workers: "
                  "exit %d, %d alerts" % (name, rc1, len(one), rc2, len(two)))
            for x in sorted(set(one) ^ set(two))[:4]:
                print("   differs: " + x[:300])
    if compared == 0 or alerts == 0:
        print("workers: nothing compared")
        return 1
    print("workers: %d runs compared (%d alerts), %d differ" %
          (compared, alerts, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
