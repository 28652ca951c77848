#!/usr/bin/python3
"""workers.py — 2 workers give the alerts and incidents of 1 (order aside).

For every end-to-end case that reads captures and writes EVE to standard
output (tests/e2e/*/test.yaml, with its own arguments and configuration),
and for every capture of pcaps/ with the built-in configuration (the
correlation captures among them), typosentry runs with --workers 1 and
--workers 2: the alert records (incident summaries included) must be the
same multiset.  Incident ids differ between runs (each worker numbers its
own), so each is replaced by its incident's client and observed name.
"""
import glob
import json
import os
import subprocess
import sys

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


def main():
    binary = os.path.abspath(sys.argv[1])
    bad = compared = alerts = 0
    for name, args in cases():
        rc1, one = run(binary, args, 1)
        rc2, two = run(binary, args, 2)
        compared += 1
        alerts += len(one)
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
