#!/usr/bin/python3
"""check.py — run one end-to-end case and check its EVE output by field.

A case is a directory tests/e2e/NAME/ holding test.yaml:

    description: what the case shows
    args: [-r, pcaps/dns-mx-eth.pcap]   # typosentry's arguments
    stdin: pcaps/x.pcap                 # optional: fed on standard input
    exit: 0                             # expected exit status
    stderr: [regex, ...]                # optional: each must match stderr
    eve: stdout | logdir | none         # where EVE lines are read (stdout)
    stdout: [regex, ...]                # optional, with eve: none
    eve_before: TEXT                    # logdir/eve.json holds this line first
    summaries: true                     # count incident summaries (sid
                                        # 1610200) in the checks; by default
                                        # they are validated but not counted
    incidents: N                        # the alerts carry N distinct
                                        # alert.context.incident.id, each
                                        # with exactly one summary
    same_flow: true                     # a query and its response (same
                                        # dns.id and name) share flow_id
    checks:                             # suricata-verify style filters
      - filter:
          count: 4
          match:
            event_type: alert
            alert.context.typo.observed: army.ml
            dns.queries[0].rrtype: MX
            alert.context.session.bytes_toserver: {min: 3000}   # bounds

Every EVE line is validated against Suricata's schema.  Paths in args are
relative to the repository root; "@CASE@" is replaced by the case
directory, "@LOGDIR@" by a fresh temporary directory.

usage: check.py BINARY CASE_DIR SCHEMA
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml


def lookup(obj, path):
    """Value at a dotted path with [i] indexes, or a sentinel if absent."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            if not isinstance(obj, list) or i >= len(obj):
                return KeyError
            obj = obj[i]
        else:
            if not isinstance(obj, dict) or part not in obj:
                return KeyError
            obj = obj[part]
    return obj


def matches(rec, match):
    for path, want in match.items():
        got = lookup(rec, path)
        if got is KeyError:
            if want is not None:
                return False
        elif isinstance(want, dict) and set(want) <= {"min", "max"}:
            # A number within bounds: {min: 3000}, {max: 1024}.
            if not isinstance(got, (int, float)) or isinstance(got, bool):
                return False
            if "min" in want and got < want["min"]:
                return False
            if "max" in want and got > want["max"]:
                return False
        elif got != want:
            return False
    return True


def main():
    binary, case, schema_path = sys.argv[1:4]
    with open(os.path.join(case, "test.yaml")) as f:
        spec = yaml.safe_load(f)
    with open(schema_path) as f:
        validator = jsonschema.Draft7Validator(json.load(f))

    logdir = tempfile.mkdtemp(prefix="ts-e2e-")
    try:
        if "eve_before" in spec:
            with open(os.path.join(logdir, "eve.json"), "w") as f:
                f.write(spec["eve_before"] + "\n")
        args = [a.replace("@CASE@", case).replace("@LOGDIR@", logdir)
                for a in spec.get("args", [])]
        stdin = None
        if spec.get("stdin"):
            stdin = open(spec["stdin"], "rb")
        proc = subprocess.run([binary] + args, stdin=stdin,
                              capture_output=True, timeout=120)
        if stdin:
            stdin.close()
        errors = []
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != spec.get("exit", 0):
            errors.append("exit status %d, expected %d" %
                          (proc.returncode, spec.get("exit", 0)))
        for pat in spec.get("stderr", []):
            if not re.search(pat, stderr):
                errors.append("stderr does not match %r" % pat)
        for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            if bad in stderr:
                errors.append("sanitizer report on stderr")

        out_text = proc.stdout.decode("utf-8", "replace")
        for pat in spec.get("stdout", []):
            if not re.search(pat, out_text):
                errors.append("stdout does not match %r" % pat)
        if spec.get("eve", "stdout") == "none":
            data = b""
        elif spec.get("eve", "stdout") == "logdir":
            path = os.path.join(logdir, "eve.json")
            data = open(path, "rb").read() if os.path.exists(path) else b""
        else:
            data = proc.stdout
        records = []
        for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
            try:
                rec = json.loads(line)
            except ValueError as e:
                errors.append("line %d is not JSON: %s" % (n, e))
                continue
            for err in validator.iter_errors(rec):
                errors.append("line %d fails the EVE schema at %s: %s" %
                              (n, "/".join(map(str, err.path)), err.message))
            records.append(rec)

        if "incidents" in spec:
            ids, summaries = set(), []
            for r in records:
                inc = lookup(r, "alert.context.incident")
                if inc is KeyError or lookup(r, "event_type") != "alert":
                    continue
                if inc.get("summary"):
                    summaries.append(inc["id"])
                else:
                    ids.add(inc["id"])
            if len(ids) != spec["incidents"]:
                errors.append("%d incidents in the alerts, expected %d" %
                              (len(ids), spec["incidents"]))
            if sorted(summaries) != sorted(ids):
                errors.append("summaries %s do not match the incidents %s"
                              % (summaries, sorted(ids)))

        if not spec.get("summaries"):
            records = [r for r in records
                       if lookup(r, "alert.signature_id") != 1610200]

        if spec.get("same_flow"):
            pairs = {}
            for r in records:
                # DNS alerts only (an SMTP alert has no query to pair).
                if r.get("event_type") != "alert" or "dns" not in r:
                    continue
                key = (r["dns"]["id"], r["dns"]["queries"][0]["rrname"],
                       r["src_ip"] if r["dns"]["type"] == "request"
                       else r["dest_ip"])
                pairs.setdefault(key, []).append(r)
            for key, recs in sorted(pairs.items()):
                types = sorted(r["dns"]["type"] for r in recs)
                flows = set(r["flow_id"] for r in recs)
                if types != ["request", "response"] or len(flows) != 1:
                    errors.append("dns id %d %s: %s with flow ids %s" %
                                  (key[0], key[1], types, sorted(flows)))
            if not pairs:
                errors.append("same_flow: no alerts to pair")

        for i, check in enumerate(spec.get("checks", [])):
            flt = check["filter"]
            found = [r for r in records if matches(r, flt.get("match", {}))]
            if "count" in flt and len(found) != flt["count"]:
                errors.append("check %d: %d records match %s, expected %d" %
                              (i, len(found), flt.get("match"), flt["count"]))
            if "min" in flt and len(found) < flt["min"]:
                errors.append("check %d: %d records match %s, expected "
                              "at least %d" % (i, len(found),
                                               flt.get("match"), flt["min"]))
        if errors:
            print("FAIL %s (%s)" % (os.path.basename(case), binary))
            for e in errors[:20]:
                print("    " + e)
            if stderr.strip():
                print("    stderr: " + stderr.strip()[:2000])
            return 1
        return 0
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
