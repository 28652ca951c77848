#!/usr/bin/python3
"""oracle_tshark.py — what tshark decodes, typosentry decodes.

For each capture:
  - DNS: tshark lists the DNS messages on port 53 (UDP, TCP, reassembled
    from IP fragments) with an MX question: frame number, name, query or
    response, leaving out tunnelled packets (typosentry does not decode
    tunnels) and what tshark itself marks malformed.  typosentry runs with
    a "dns" record for every message it decodes.  In "exact" mode the two
    sets must be equal; in "subset" mode every message tshark found must be
    found by typosentry.
  - SMTP: every RCPT TO command tshark decodes (it misses pipelined ones)
    must be among those typosentry decodes ("smtp" records), compared as
    the raw recipient path, parameters removed.
In "exact" mode a capture with neither must fail: the check would be empty.

usage: oracle_tshark.py BINARY FILE_OR_DIR exact|subset
"""
import json
import os
import subprocess
import sys

CONFIG = os.path.join(os.path.dirname(__file__), "oracle", "dns-log.yaml")
DISPLAY_FILTER = (
    "(udp.port == 53 || tcp.port == 53) && dns.qry.type == 15"
    " && !_ws.malformed"
    " && !(count(ip) > 1) && !(count(ipv6) > 1) && !(ip && ipv6)"
    " && !(count(udp) > 1) && !(count(vlan) > 2) && !(udp && tcp)"
)
# Ports our captures use for SMTP besides 25 and 587.
DECODE_AS = ["-d", "tcp.port==2626,smtp", "-d", "tcp.port==2525,smtp"]
RCPT_FILTER = 'smtp.req.command == "RCPT" && !(count(ip) > 1)'


def rcpt_path(param):
    """'TO:<a@b> NOTIFY=NEVER' -> '<a@b>', as typosentry logs rcpt_to."""
    p = param.strip()
    if p[:3].upper() == "TO:":
        p = p[3:].lstrip()
    if p.startswith("<") and ">" in p:
        return p[:p.index(">") + 1]
    return p.split(" ")[0]


def tshark_rcpts(path):
    out = subprocess.run(
        ["tshark", "-n", "-r", path] + DECODE_AS + [
         "-Y", RCPT_FILTER, "-T", "fields", "-e", "smtp.req.command",
         "-e", "smtp.req.parameter", "-E", "occurrence=a",
         "-E", "aggregator=\x01"],
        capture_output=True, timeout=300).stdout.decode("utf-8", "replace")
    found = []
    for line in out.splitlines():
        cmds, _, params = line.partition("\t")
        for cmd, param in zip(cmds.split("\x01"), params.split("\x01")):
            if cmd.upper() != "RCPT" or not param[:3].upper() == "TO:":
                continue
            path_ = rcpt_path(param)
            # tshark 4.0 cuts commands split across segments: skip its
            # pieces rather than compare them.
            if path_.startswith("<") and not path_.endswith(">"):
                continue
            found.append(path_)
    return found


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
    rcpts = []
    for line in proc.stdout.decode("utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("event_type") == "smtp":
            rcpts.append(rec["smtp"]["rcpt_to"][-1])
            continue
        if rec.get("event_type") != "dns":
            continue
        dns = rec["dns"]
        queries = dns.get("queries", [])
        if not any(q.get("rrtype") == "MX" for q in queries):
            continue
        found.add((rec["pcap_cnt"], norm(queries[0]["rrname"]),
                   dns["type"] == "response"))
    return found, rcpts, proc.returncode


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
    total = total_rcpt = 0
    for path in captures(root):
        want = tshark_messages(path)
        want_rcpt = tshark_rcpts(path)
        got, got_rcpt, rc = typosentry_messages(binary, path)
        total += len(want)
        total_rcpt += len(want_rcpt)
        if mode == "exact" and not want and not want_rcpt:
            failures += 1
            print("oracle: %s: tshark finds no MX message and no RCPT" %
                  path)
            continue
        left = list(got_rcpt)
        missed_rcpt = []
        for r in want_rcpt:
            if r in left:
                left.remove(r)
            else:
                missed_rcpt.append(r)
        if missed_rcpt:
            failures += 1
            print("oracle: %s: %d RCPT from tshark, %d from typosentry; "
                  "missed %s" % (path, len(want_rcpt), len(got_rcpt),
                                 missed_rcpt[:5]))
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
        print("oracle: %d MX messages and %d RCPT from tshark checked "
              "under %s" % (total, total_rcpt, root))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
