#!/usr/bin/python3
"""report.py — `typosentry report`, text format, inputs and limits.

- the text report of the correlation captures (replayed with -r, one
  capture at a time, and from EVE files) names each incident with the
  verdict the captures' truth says;
- names from the log cannot inject markup into the HTML, nor control
  characters into the text;
- usage errors exit 2; a missing EVE file exits 1 and the others are
  still reported;
- a generated EVE log (bench/gen_eve.py, about 40 MB: thousands of
  incidents, more distinct names and clients than the top-N tables hold,
  lines that are not JSON or not typosentry's) is reported with the right
  totals; with the plain binary, in less than 100 MB of memory.

usage: report.py BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TRUTH = {
    "correlate-delivered": [("army.ml", "delivered")],
    "correlate-lookup-only": [("army.ml", "lookup only")],
    "correlate-rejected": [("gmial.com", "not delivered")],
    "correlate-relay": [("army.ml", "delivered")],
    "correlate-two-mistakes": [("army.ml", "delivered"),
                               ("gmial.com", "not delivered")],
}

SANITIZED = "asan" in sys.argv[1]


def run(args, **kw):
    proc = subprocess.run(args, capture_output=True, timeout=600, **kw)
    err = proc.stderr.decode("utf-8", "replace")
    for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        if bad in err:
            raise SystemExit("sanitizer report: " + err[-3000:])
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err


def incidents_of(text):
    """(observed, verdict) of each row of the text incidents table."""
    rows = []
    take = False
    for line in text.splitlines():
        if line.startswith("Incidents, worst first"):
            take = True
            continue
        if take and not line.strip():
            break
        if take and not line.strip().startswith("VERDICT"):
            m = re.match(r"  (delivered|likely delivered|unknown|lookup only|"
                         r"not delivered)\s+\d\s+\S+\s+(\S+) -> ", line)
            if not m:
                raise SystemExit("unexpected incident row: %r" % line)
            rows.append((m.group(2), m.group(1)))
    return sorted(rows)


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ts-report-")
    try:
        # Each capture replayed by the report itself, and from EVE.
        for name, want in TRUTH.items():
            rc, out, err = run([binary, "report", "--format", "text", "-r",
                                "pcaps/%s.pcap" % name])
            if rc != 0 or incidents_of(out) != sorted(want):
                raise SystemExit("%s: exit %d, incidents %s, expected %s\n%s"
                                 % (name, rc, incidents_of(out), want, err))
        files = []
        for name in TRUTH:
            path = os.path.join(tmp, name + ".json")
            with open(path, "wb") as f:
                subprocess.run([binary, "-q", "--stdout", "-r",
                                "pcaps/%s.pcap" % name], stdout=f, check=True)
            files.append(path)
        rc, out, err = run([binary, "report", "--format", "text"] + files)
        want = sorted(v for inc in TRUTH.values() for v in inc)
        if rc != 0 or incidents_of(out) != want:
            raise SystemExit("EVE files: incidents %s, expected %s" %
                             (incidents_of(out), want))
        if "Incidents: 6: delivered 3, likely delivered 0, unknown 0, " \
                "lookup only 1, not delivered 2" not in out:
            raise SystemExit("verdict counts wrong:\n" + out)

        # Hostile names: escaped in HTML, harmless in text.
        evil = os.path.join(tmp, "evil.json")
        with open(evil, "w") as f:
            f.write(json.dumps({
                "timestamp": "2026-11-23T04:20:56.000000+0000",
                "event_type": "alert", "src_ip": "192.0.2.1",
                "dest_ip": "192.0.2.53", "app_proto": "dns",
                "alert": {"gid": 1, "signature_id": 1610001, "severity": 2,
                          "signature": "<b>sig</b>",
                          "context": {"typo": {
                              "observed": "<script>alert(1)</script>.ml",
                              "protected": "x\u001b[2J\u202eevil.mil"},
                              "incident": {"id": 5}}}}) + "\n")
        rc, out, err = run([binary, "report", "-o",
                            os.path.join(tmp, "evil.html"), evil])
        page = open(os.path.join(tmp, "evil.html"), encoding="utf-8").read()
        if rc != 0 or "<script>alert" in page or "<b>sig" in page or \
                "&lt;script&gt;alert(1)&lt;/script&gt;.ml" not in page or \
                "\x1b" in page:
            raise SystemExit("HTML not escaped")
        rc, out, err = run([binary, "report", "--format", "text", evil])
        if "\x1b" in out or "\u202e" in out or "\\x1b[2J" not in out:
            raise SystemExit("text not made safe:\n" + out)

        # Usage and input errors.
        for args, code in (([], 2), (["--format", "xml", evil], 2),
                           (["-r", "pcaps/demo.pcap", evil], 2),
                           (["-c", "x.yaml", evil], 2),
                           (["--nope"], 2)):
            rc, out, err = run([binary, "report"] + args)
            if rc != code or not err:
                raise SystemExit("report %s: exit %d, expected %d" %
                                 (args, rc, code))
        rc, out, err = run([binary, "report", "--format", "text",
                            os.path.join(tmp, "missing.json"), files[0]])
        if rc != 1 or "missing.json" not in err or \
                "army.ml -> army.mil" not in out:
            raise SystemExit("missing file: exit %d: %s" % (rc, err))
        rc, out, err = run([binary, "report", "--format", "text", "-r",
                            "pcaps/no-such.pcap"])
        if rc != 1 or "no-such.pcap" not in err:
            raise SystemExit("missing capture: exit %d: %s" % (rc, err))

        # A big generated log: right totals, bounded memory.
        big = os.path.join(tmp, "big.json")
        gen = subprocess.run([sys.executable, "bench/gen_eve.py", big,
                              "40", "7"], capture_output=True, check=True)
        truth = json.loads(gen.stdout)
        rss = os.path.join(tmp, "rss")
        rc, out, err = run(["/usr/bin/time", "-f", "%M", "-o", rss, binary,
                            "report", "--format", "text", big])
        peak = int(open(rss).read().split()[-1])
        if rc != 0:
            raise SystemExit("big log: exit %d: %s" % (rc, err))
        expect = [
            "Alerts: %d;" % truth["alerts"],
            "Incidents: %d: delivered %d, likely delivered 0, unknown %d, "
            "lookup only %d, not delivered %d" % (
                truth["incidents"], truth["verdicts"]["delivered"],
                truth["open"], truth["verdicts"]["lookup-only"],
                truth["verdicts"]["not-delivered"]),
            "%d not JSON, %d not typosentry's, 0 too long" % (
                truth["not_json"], truth["foreign"]),
            "%d without a summary" % truth["open"],
            "Incidents, worst first (20 of %d)" % truth["incidents"],
            "counts marked ~ are upper bounds",
        ]
        for e in expect:
            if e not in out:
                raise SystemExit("big log: %r missing from:\n%s" % (e, out))
        if not SANITIZED and peak > 100 * 1024:
            raise SystemExit("big log: peak RSS %d KiB" % peak)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
