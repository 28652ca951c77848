#!/usr/bin/python3
"""community_id.py — our community_id agrees with tshark's on every flow.

For each capture, typosentry runs with a "dns" record for every DNS
message and an "smtp" record for every RCPT TO (tests/oracle/dns-log.yaml)
and with a sensor name; tshark computes the Community ID of every frame
(`--enable-protocol communityid`).  Every record that carries a
community_id must carry tshark's value for the frame it names (pcap_cnt:
the packet that completed the message, on the same flow) or, for a record
written when another packet ended its flow (a followed session's end on a
timeout), tshark's value for a frame of the record's own flow (its
addresses and ports); and its host must be the configured sensor name.  Captures where tshark finds no flow
with a Community ID (corrupt ones, non-IP) are skipped; when none of the
captures gives a record with a community_id, the check fails: it would be
empty.

usage: community_id.py BINARY FILE_OR_DIR...
"""
import json
import os
import subprocess
import sys
import tempfile

CONFIG = os.path.join(os.path.dirname(__file__), "oracle", "dns-log.yaml")
DECODE_AS = ["-d", "tcp.port==2626,smtp", "-d", "tcp.port==2525,smtp"]
SENSOR = "sensor-cid-test"


def captures(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    if f.endswith((".pcap", ".pcapng", ".cap")):
                        yield os.path.join(root, f)
        else:
            yield a


FIELDS = ["frame.number", "communityid", "ip.src", "ipv6.src", "ip.dst",
          "ipv6.dst", "tcp.srcport", "udp.srcport", "tcp.dstport",
          "udp.dstport"]


def flow_key(a, ap, b, bp):
    """Both directions of a flow alike."""
    return tuple(sorted([(a, int(ap)), (b, int(bp))]))


def tshark_ids(path):
    """{frame: community_id}, {flow key: community_id} (innermost flow)."""
    cmd = ["tshark", "-n", "-r", path, "--enable-protocol", "communityid"] + \
        DECODE_AS + ["-T", "fields", "-E", "occurrence=l"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True,
                         timeout=300).stdout.decode("utf-8", "replace")
    ids, by_flow = {}, {}
    for line in out.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        num, cid, s4, s6, d4, d6, ts, us, td, ud = v[:10]
        if not cid:
            continue
        ids[int(num)] = cid
        src, dst = s4 or s6, d4 or d6
        sport, dport = ts or us, td or ud
        if src and dst and sport and dport:
            by_flow[flow_key(src, sport, dst, dport)] = cid
    return ids, by_flow


def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    with open(CONFIG) as f:
        base = f.read()
    fd, cfg = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        f.write(base + "sensor:\n  name: %s\n" % SENSOR)
    checked = flows = 0
    bad = []
    try:
        for cap in captures(paths):
            ids, by_flow = tshark_ids(cap)
            if not ids:
                continue
            r = subprocess.run([binary, "-q", "-c", cfg, "-r", cap],
                               capture_output=True, timeout=300)
            seen = set()
            for line in r.stdout.decode("utf-8", "replace").splitlines():
                rec = json.loads(line)
                if rec.get("host") != SENSOR:
                    bad.append("%s: a record without host %s: %s" %
                               (cap, SENSOR, line[:200]))
                if "community_id" not in rec:
                    if rec.get("event_type") in ("dns", "smtp"):
                        bad.append("%s: a %s record without community_id"
                                   % (cap, rec["event_type"]))
                    continue
                n = rec.get("pcap_cnt")
                want = ids.get(n)
                if want != rec["community_id"] and "src_port" in rec:
                    want = by_flow.get(flow_key(
                        rec["src_ip"], rec["src_port"], rec["dest_ip"],
                        rec["dest_port"]), want)
                checked += 1
                seen.add(rec["community_id"])
                if want != rec["community_id"]:
                    bad.append("%s: frame %s: community_id %s, tshark says "
                               "%s" % (cap, n, rec["community_id"], want))
            flows += len(seen)
    finally:
        os.unlink(cfg)
    for b in bad[:20]:
        print("community_id: " + b)
    if bad:
        print("community_id: %d disagreements" % len(bad))
        return 1
    if checked == 0:
        print("community_id: no record with a community_id: nothing checked")
        return 1
    print("community_id: %d records on %d flows agree with tshark" %
          (checked, flows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
