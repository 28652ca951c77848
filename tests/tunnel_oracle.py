#!/usr/bin/python3
"""tunnel_oracle.py — as many DNS messages and inner IP packets as tshark.

For every capture under the directory (../shared/pcaps, tunnels included):
  - DNS: tshark's DNS messages on port 53 (UDP or TCP; every message of a
    frame counted, by its dns.id) must equal the "dns" records typosentry
    writes with a record for every decoded message.
  - Encapsulations: for each frame, tshark's protocol stack says which
    encapsulation an IP header sits directly inside (the last of gre,
    erspan, vxlan, geneve, mpls, ppp before it, or an IP header right
    before it for IP in IP); the counts per encapsulation must equal
    typosentry's ip_in_* counters.
Differences tshark and typosentry have for a reason are listed in
EXCEPTIONS with that reason; an exception that no longer applies fails
too, so the list stays true.

usage: tunnel_oracle.py BINARY DIR
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys

CONFIG = os.path.join(os.path.dirname(__file__), "oracle", "dns-log.yaml")

ENCAPS = {"gre": "gre", "erspan": "erspan", "vxlan": "vxlan",
          "geneve": "geneve", "mpls": "mpls", "ppp": "ppp"}
COUNTERS = {"gre": "ip_in_gre", "erspan": "ip_in_erspan",
            "vxlan": "ip_in_vxlan", "geneve": "ip_in_geneve",
            "mpls": "ip_in_mpls", "ppp": "ip_in_ppp", "ipip": "ip_in_ip"}

# capture (path under DIR) -> {what: (tshark, typosentry, why)}
OPCODE = ("an opcode other than QUERY (IQUERY, NOTIFY, reserved): counted"
          " in dns_not_query_opcode, not decoded: no question to check")
EXCEPTIONS = {
    "ndpi/dns_invert_query/dns_invert_query.pcapng": {"dns": (2, 0, OPCODE)},
    "suricata-verify/tests/dns-opcode/dns-notify.pcap": {"dns": (2, 0, OPCODE)},
    "suricata-verify/tests/dns/dns-invalid-opcode/input.pcap":
        {"dns": (2, 0, OPCODE)},
    "suricata-verify/tests/dns/v2/dns-invalid-opcode/input.pcap":
        {"dns": (2, 0, OPCODE)},
    "suricata-verify/tests/dns/dns-answer-emptydata/input.pcap":
        {"dns": (2, 0, OPCODE)},
    "ndpi/malformed_dns/malformed_dns.pcap": {"dns": (6, 2,
        "four responses whose second question is a name past 255 bytes:"
        " tshark shows <Name too long> without calling the frame"
        " malformed; the question section is not whole, so typosentry"
        " counts dns_malformed")},
    "suricata-verify/tests/dns/dns-forward-pointer/input.pcap": {"dns": (2, 1,
        "a message whose question's compression pointer points forwards:"
        " tshark follows it, typosentry refuses it (RFC 1035 4.1.4, a"
        " pointer names a prior occurrence) and counts dns_malformed")},
    "suricata-verify/tests/dns-tcp-ts-gap/input.pcap": {"dns": (5, 4,
        "a message after a hole in the TCP stream: tshark decodes the"
        " segment on its own, typosentry's stream skips past the hole"
        " (tcp_gaps) and resynchronises at a message boundary")},
    "suricata-verify/tests/dns-udp-junkrequest-first/input.pcap": {"dns": (
        4, 2, "junk first: a message without a question (dns_no_question,"
        " nothing to check) and one cut inside its question"
        " (dns_malformed); tshark counts both without marking them")},
    "tcpdump/dns-badlabel/dns-badlabel.pcap": {"dns": (1, 0, OPCODE)},
    "tcpdump/dns_fwdptr/dns_fwdptr.pcap": {"dns": (1, 0, OPCODE)},
    "tcpdump/LINKTYPE_PKTAP/LINKTYPE_PKTAP.pcap": {"dns": (1, 0,
        "Apple's PKTAP link type is not one typosentry reads")},
    "tcpdump/LINKTYPE_USER2_PKTAP/LINKTYPE_USER2_PKTAP.pcap": {"dns": (1, 0,
        "Apple's PKTAP link type (as USER2) is not one typosentry reads")},
    "tcpdump/LINKTYPE_IPV4_invalid/LINKTYPE_IPV4_invalid.pcap": {"ipip": (
        1, 0, "an IPv6 packet in a LINKTYPE_IPV4 file: tshark shows the"
        " link type as an IPv4 layer before it; there is no IP in IP")},
}


def tshark_counts(path):
    """DNS messages on port 53 and IP headers per encapsulation, from one
    tshark pass: the protocol stack, DNS ids and ports of each frame."""
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-T", "fields", "-e",
         "frame.protocols", "-e", "dns.id", "-e", "udp.port", "-e",
         "tcp.port", "-E", "occurrence=a", "-E", "aggregator=,"],
        capture_output=True, timeout=300).stdout.decode("utf-8", "replace")
    counts = dict.fromkeys(COUNTERS, 0)
    counts["dns"] = 0
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) < 4:
            continue
        protos = fields[0].split(":")
        ports = (fields[2] + "," + fields[3]).split(",")
        # DNS on port 53 as a message of its own.  Not: DNS that tshark
        # finds quoted in an ICMP error (typosentry does not decode
        # ICMP), nor what it marks malformed (counted as such by
        # typosentry, not logged).
        if (fields[1] and "53" in ports and "icmp" not in protos and
                "icmpv6" not in protos and "_ws.malformed" not in protos):
            counts["dns"] += len(fields[1].split(","))
        last = None
        prev = None
        for tok in protos:
            if tok in ("ip", "ipv6"):
                if last is not None:
                    counts[last] += 1
                elif prev in ("ip", "ipv6"):
                    counts["ipip"] += 1
                last = None
            elif tok in ENCAPS:
                last = ENCAPS[tok]
            elif tok in ("icmp", "icmpv6"):
                # What follows is a quoted header, not a packet.
                break
            if not tok.startswith("ipv6."):
                prev = tok
    return counts


def typosentry_counts(binary, path):
    proc = subprocess.run([binary, "-c", CONFIG, "-r", path],
                          capture_output=True, timeout=300)
    dns = 0
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("event_type") == "dns":
            dns += 1
    counters = {}
    for line in proc.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"\s+([a-z0-9_]+)\s+(\d+)\s", line)
        if m:
            counters[m.group(1)] = int(m.group(2))
    return dns, counters


def captures(root):
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith((".pcap", ".pcapng", ".cap")):
                yield os.path.join(d, f)


def one(binary, path):
    return path, tshark_counts(path), typosentry_counts(binary, path)


def main():
    binary, root = sys.argv[1:3]
    failures = 0
    seen_exceptions = set()
    files = total_dns = 0
    total_ip = dict.fromkeys(COUNTERS, 0)
    # Two at a time: tshark's start-up is most of the time.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: one(binary, p), captures(root)))
    for path, want, (dns, counters) in results:
        files += 1
        rel = os.path.relpath(path, root)
        got = {"dns": dns}
        for k, c in COUNTERS.items():
            got[k] = counters.get(c, 0)
        total_dns += want["dns"]
        for k in COUNTERS:
            total_ip[k] += want[k]
        for what in want:
            exc = EXCEPTIONS.get(rel, {}).get(what)
            if exc is not None:
                seen_exceptions.add((rel, what))
                if (want[what], got[what]) != exc[:2]:
                    failures += 1
                    print("tunnel oracle: %s: %s: tshark %d, typosentry %d;"
                          " the exception says %d and %d (%s)" %
                          (rel, what, want[what], got[what], exc[0], exc[1],
                           exc[2]))
                continue
            if want[what] != got[what]:
                failures += 1
                print("tunnel oracle: %s: %s: tshark %d, typosentry %d" %
                      (rel, what, want[what], got[what]))
    for rel, whats in EXCEPTIONS.items():
        for what in whats:
            if (rel, what) not in seen_exceptions:
                failures += 1
                print("tunnel oracle: exception for %s %s: no such capture"
                      % (rel, what))
    print("tunnel oracle: %d captures, %d DNS messages, inner IP %s, "
          "%d exceptions, %d failures" %
          (files, total_dns, json.dumps(total_ip, sort_keys=True),
           sum(len(v) for v in EXCEPTIONS.values()), failures))
    return 1 if failures or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
