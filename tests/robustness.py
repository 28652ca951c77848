#!/usr/bin/python3
"""robustness.py — replay public captures under ASan+UBSan.

Every capture under the directory is read by the sanitized binary with a
"dns" record for each decoded message (so the output path runs too).  Each
run must end by itself within the time limit with exit status 0 (or 1 for a
file libpcap cannot open), print no sanitizer or leak report, and write
only lines that are valid JSON and valid against Suricata's EVE schema.

usage: robustness.py ASAN_BINARY DIR SCHEMA
"""
import json
import os
import subprocess
import sys

import jsonschema

CONFIG = os.path.join(os.path.dirname(__file__), "oracle", "dns-log.yaml")
TIME_LIMIT = 120


def main():
    binary, root, schema_path = sys.argv[1:4]
    with open(schema_path) as f:
        validator = jsonschema.Draft7Validator(json.load(f))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:exitcode=99",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    failures = files = records = 0
    for d, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if not name.endswith((".pcap", ".pcapng", ".cap")):
                continue
            path = os.path.join(d, name)
            files += 1
            try:
                proc = subprocess.run([binary, "-q", "-c", CONFIG, "-r", path],
                                      capture_output=True, env=env,
                                      timeout=TIME_LIMIT)
            except subprocess.TimeoutExpired:
                failures += 1
                print("robustness: %s: no exit within %d s" %
                      (path, TIME_LIMIT))
                continue
            err = proc.stderr.decode("utf-8", "replace")
            problems = []
            if proc.returncode not in (0, 1):
                problems.append("exit status %d" % proc.returncode)
            for bad in ("AddressSanitizer", "LeakSanitizer",
                        "runtime error:"):
                if bad in err:
                    problems.append(bad)
            for n, line in enumerate(proc.stdout.splitlines(), 1):
                try:
                    rec = json.loads(line.decode("utf-8"))
                except ValueError:
                    problems.append("line %d is not JSON" % n)
                    break
                records += 1
                e = next(validator.iter_errors(rec), None)
                if e is not None:
                    problems.append("line %d fails the schema: %s" %
                                    (n, e.message))
                    break
            if problems:
                failures += 1
                print("robustness: %s: %s" % (path, "; ".join(problems)))
                print("    " + err.strip()[-1500:].replace("\n", "\n    "))
    print("robustness: %d captures, %d EVE records, %d failures" %
          (files, records, failures))
    return 1 if failures or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
