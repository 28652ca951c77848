#!/usr/bin/python3
"""oracle_tshark.py — every MX question tshark decodes, typosentry decodes.

For each capture, tshark lists the DNS messages over UDP port 53 with an MX
question (frame number, name, query or response), leaving out what
typosentry does not decode yet by design (IP fragments, tunnels) and what
tshark itself marks malformed.  typosentry runs with a "dns" record for
every message it decodes.  In "exact" mode the two sets must be equal; in
"subset" mode every message tshark found must be found by typosentry.

usage: oracle_tshark.py BINARY FILE_OR_DIR exact|subset
"""
import json
import os
import subprocess
import sys

CONFIG = os.path.join(os.path.dirname(__file__), "oracle", "dns-log.yaml")
DISPLAY_FILTER = (
    "udp.port == 53 && dns.qry.type == 15 && !_ws.malformed"
    " && !(ip.flags.mf == 1) && !(ip.frag_offset > 0) && !ipv6.fragment"
    " && !(count(ip) > 1) && !(count(ipv6) > 1) && !(ip && ipv6)"
    " && !(count(udp) > 1) && !(count(vlan) > 2)"
)


def norm(name):
    name = name.lower()
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


def tshark_messages(path):
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-Y", DISPLAY_FILTER, "-T", "fields",
         "-e", "frame.number", "-e", "dns.qry.name", "-e",
         "dns.flags.response", "-E", "occurrence=f"],
        capture_output=True, timeout=300).stdout.decode("utf-8", "replace")
    found = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0]:
            continue
        found.add((int(parts[0]), norm(parts[1]), parts[2] in ("1", "True")))
    return found


def typosentry_messages(binary, path):
    proc = subprocess.run([binary, "-q", "-c", CONFIG, "-r", path],
                          capture_output=True, timeout=300)
    found = set()
    for line in proc.stdout.decode("utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("event_type") != "dns":
            continue
        dns = rec["dns"]
        queries = dns.get("queries", [])
        if not any(q.get("rrtype") == "MX" for q in queries):
            continue
        found.add((rec["pcap_cnt"], norm(queries[0]["rrname"]),
                   dns["type"] == "response"))
    return found, proc.returncode


def captures(root):
    if os.path.isfile(root):
        yield root
        return
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith((".pcap", ".pcapng", ".cap")):
                yield os.path.join(d, f)


def main():
    binary, root, mode = sys.argv[1:4]
    failures = 0
    total = 0
    for path in captures(root):
        want = tshark_messages(path)
        got, rc = typosentry_messages(binary, path)
        total += len(want)
        if mode == "exact" and not want:
            failures += 1
            print("oracle: %s: tshark finds no MX message" % path)
            continue
        missing = want - got
        extra = got - want if mode == "exact" else set()
        if missing or extra:
            failures += 1
            print("oracle: %s: %d MX messages from tshark, %d from "
                  "typosentry (exit %d)" % (path, len(want), len(got), rc))
            for m in sorted(missing)[:5]:
                print("    missed by typosentry: frame %d %s %s" %
                      (m[0], m[1], "response" if m[2] else "query"))
            for m in sorted(extra)[:5]:
                print("    not seen by tshark:   frame %d %s %s" %
                      (m[0], m[1], "response" if m[2] else "query"))
    if mode == "subset":
        print("oracle: %d MX messages from tshark checked under %s" %
              (total, root))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
