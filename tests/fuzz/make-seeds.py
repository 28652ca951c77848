#!/usr/bin/python3
"""make-seeds.py — the seed corpus of every fuzz target, from the test data.

Reads the captures in pcaps/ (classic pcap, any of our link types) and the
configurations in etc/ and tests/, and writes each seed, in the input
format its target's comment describes, to tests/fuzz/corpus/TARGET/ under
the SHA-1 of its content (libFuzzer's own naming, so a merge never makes
a second copy).  Files already there are kept: crash-* regression inputs
and seeds from earlier runs stay; running it twice changes nothing.

  decode         each frame, after a byte naming its link type
  defrag         the fragments of each fragmented datagram, in order
  tcp_stream     each TCP connection: segments and acks of both directions
  dns            each DNS message over UDP, and each one over TCP
  dns_tcp        each direction of each TCP connection on port 53
  smtp           each TCP connection on an SMTP port, both directions
  smtp_address   each MAIL FROM and RCPT TO argument
  tls            each TCP connection's TLS (after STARTTLS, or from the
                 first byte), both directions
  typo           each question name, and the typo names of the e2e cases
  config         every YAML configuration of the repository
  worker         each capture as raw IP packets (its first 64 KB)
  tunnel         the first frames of each capture in pcaps/ and in the
                 shared tunnel and PPP captures (../shared/pcaps), and
                 nested frames built here (marked below), after a byte
                 naming the link type and the depth cap
  fanout         the Ethernet frames (untagged, IP) of the same captures,
                 after a byte enabling every encapsulation

usage: tests/fuzz/make-seeds.py   (from anywhere)
"""
import glob
import hashlib
import os
import re
import struct

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# The link types of fuzz_decode.c's table, in its order.
DLTS = [1, 113, 276, 12, 228, 229, 0, 108]
# fuzz_tunnel.c's table.
TUNNEL_DLTS = [1, 12, 9, 50, 51, 104, 113]
SHARED = os.path.join(ROOT, "..", "shared", "pcaps")
DNS_PORTS = {53}
SMTP_PORTS = {25, 587, 2525, 2626}


def read_pcap(path):
    """(linktype, [frame bytes]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0xffff
    frames, o = [], 24
    while o + 16 <= len(data):
        incl = struct.unpack(e + "I", data[o + 8:o + 12])[0]
        if incl > 262144 or o + 16 + incl > len(data):
            break
        frames.append(data[o + 16:o + 16 + incl])
        o += 16 + incl
    return linktype, frames


def strip_link(dlt, f):
    """(ethertype, rest) or None."""
    if dlt == 1:
        et, o = struct.unpack("!H", f[12:14])[0], 14
    elif dlt == 113:
        et, o = struct.unpack("!H", f[14:16])[0], 16
    elif dlt == 276:
        et, o = struct.unpack("!H", f[0:2])[0], 20
    elif dlt in (12, 228, 229):
        return (0x0800 if f[0] >> 4 == 4 else 0x86dd), f
    elif dlt in (0, 108):
        af = struct.unpack("<I" if dlt == 0 else "!I", f[:4])[0]
        if af > 0xffff:
            af = struct.unpack("!I", f[:4])[0]
        return (0x0800 if af == 2 else 0x86dd), f[4:]
    else:
        return None
    while et in (0x8100, 0x88a8, 0x9100) and len(f) >= o + 4:
        et, o = struct.unpack("!H", f[o + 2:o + 4])[0], o + 4
    return et, f[o:]


def parse_ip(et, b):
    """A dict describing the IP packet, or None."""
    if et == 0x0800 and len(b) >= 20:
        hl = (b[0] & 15) * 4
        total = struct.unpack("!H", b[2:4])[0]
        ident, fo = struct.unpack("!HH", b[4:8])
        return {"v6": False, "src": b[12:16], "dst": b[16:20],
                "proto": b[9], "id": ident, "more": bool(fo & 0x2000),
                "off": (fo & 0x1fff) * 8, "frag": (fo & 0x3fff) != 0,
                "payload": b[hl:total]}
    if et == 0x86dd and len(b) >= 40:
        plen = struct.unpack("!H", b[4:6])[0]
        nxt, o, end = b[6], 40, 40 + plen
        p = {"v6": True, "src": b[8:24], "dst": b[24:40], "frag": False}
        for _ in range(8):
            if nxt in (0, 43, 60) and len(b) >= o + 2:
                nxt, o = b[o], o + (b[o + 1] + 1) * 8
            elif nxt == 44 and len(b) >= o + 8:
                fo = struct.unpack("!H", b[o + 2:o + 4])[0]
                p.update(frag=(fo & 0xfff9) != 0, more=bool(fo & 1),
                         off=fo & 0xfff8,
                         id=struct.unpack("!I", b[o + 4:o + 8])[0])
                nxt, o = b[o], o + 8
            else:
                break
        p.update(proto=nxt, payload=b[o:end])
        return p
    return None


def parse_l4(p):
    """Adds ports, TCP fields and the payload of a whole datagram."""
    b = p["payload"]
    if p["proto"] == 17 and len(b) >= 8:
        p["sport"], p["dport"], ulen = struct.unpack("!HHH", b[:6])
        p["data"] = b[8:ulen]
        return p
    if p["proto"] == 6 and len(b) >= 20:
        p["sport"], p["dport"], p["seq"], p["ack"] = \
            struct.unpack("!HHII", b[:12])
        p["flags"] = b[13]
        p["data"] = b[(b[12] >> 4) * 4:]
        return p
    return None


class Seeds:
    def __init__(self):
        self.new = {}

    def add(self, target, data):
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.new[target] = self.new.get(target, 0) + 1


def u16(n):
    return struct.pack("!H", n & 0xffff)


def u32(n):
    return struct.pack("!I", n & 0xffffffff)


def dns_names(msg):
    """The question names of a DNS message (no compression in questions)."""
    names = []
    if len(msg) < 12:
        return names
    qd, o = struct.unpack("!H", msg[4:6])[0], 12
    for _ in range(min(qd, 4)):
        labels = []
        while o < len(msg) and msg[o] != 0 and msg[o] < 64:
            labels.append(msg[o + 1:o + 1 + msg[o]])
            o += 1 + msg[o]
        if o >= len(msg) or msg[o] != 0:
            break
        names.append(b".".join(labels))
        o += 5
    return names


def tcp_seeds(seeds, conns):
    for key, pkts in conns.items():
        client = pkts[0]
        base = {}
        for p in pkts:
            d = 0 if (p["src"], p["sport"]) == (client["src"],
                                                client["sport"]) else 1
            base.setdefault(d, p["seq"])
            base.setdefault(1 - d, p["ack"] if p["flags"] & 0x10 else 0)
        # tcp_stream: base numbers, then segments and acks.
        out = u32(base[0]) + u32(base[1])
        for p in pkts:
            d = 0 if (p["src"], p["sport"]) == (client["src"],
                                                client["sport"]) else 1
            if p["flags"] & 0x10:
                rel = (p["ack"] - base[1 - d]) & 0xffffffff
                if rel < 0x10000:
                    out += bytes([(1 - d) | 2]) + u16(rel) + b"\0"
                else:
                    out += bytes([(1 - d) | 2 | 0x80]) + u32(p["ack"]) + b"\0"
            ctl = d | (p["flags"] & 3) << 3
            rel = (p["seq"] - base[d]) & 0xffffffff
            seq = u16(rel) if rel < 0x10000 else u32(p["seq"])
            if rel >= 0x10000:
                ctl |= 0x80
            data = p["data"][:0xffff]
            if len(data) > 255:
                out += bytes([ctl | 0x20]) + seq + u16(len(data)) + data
            else:
                out += bytes([ctl]) + seq + bytes([len(data)]) + data
        seeds.add("tcp_stream", out)

        # The application streams, duplicates (retransmissions) left out.
        seen, streams, steps = set(), {0: b"", 1: b""}, []
        for p in pkts:
            d = 0 if (p["src"], p["sport"]) == (client["src"],
                                                client["sport"]) else 1
            if not p["data"] or (d, p["seq"]) in seen:
                continue
            seen.add((d, p["seq"]))
            streams[d] += p["data"]
            steps.append((d, p["data"]))
        ports = {client["sport"], client["dport"]}
        if ports & DNS_PORTS:
            for d in (0, 1):
                s, out = streams[d], b""
                for i in range(0, len(s), 255):
                    out += bytes([len(s[i:i + 255])]) + s[i:i + 255]
                if out:
                    seeds.add("dns_tcp", out)
                o = 0
                while o + 2 <= len(s):
                    n = struct.unpack("!H", s[o:o + 2])[0]
                    if n and o + 2 + n <= len(s):
                        seeds.add("dns", s[o + 2:o + 2 + n])
                    o += 2 + n
        tls_seeds(seeds, streams, steps)
        smtp = ports & SMTP_PORTS or any(
            s.startswith((b"EHLO", b"HELO", b"220 ")) for s in streams.values())
        if smtp:
            out = b""
            for d, data in steps:
                for i in range(0, len(data), 0xffff):
                    piece = data[i:i + 0xffff]
                    out += bytes([d | 4]) + u16(len(piece)) + piece
            seeds.add("smtp", out)
            for line in streams[0].split(b"\n"):
                m = re.match(rb"(?i)(?:MAIL FROM|RCPT TO):\s*(.*?)\r?$", line)
                if m:
                    seeds.add("smtp_address", b"\xff" + m.group(1))
                    seeds.add("smtp_address", b"\x08" + m.group(1))


def hand_made_nested():
    """Frames no software here makes (hand-made, checked with tshark when
    written): VXLAN in GRE in IPv4, GENEVE with options carrying IPv6,
    GRE whose inner packet is the same GRE packet again (a loop the
    depth cap ends), MPLS with a pseudowire control word."""
    def ip4(proto, payload, src=b"\x0a\0\0\x01", dst=b"\x0a\0\0\x02"):
        return (b"\x45\0" + u16(20 + len(payload)) + b"\0\0\0\0\x40" +
                bytes([proto]) + b"\0\0" + src + dst + payload)

    def udp(sport, dport, payload):
        return u16(sport) + u16(dport) + u16(8 + len(payload)) + b"\0\0" + \
            payload

    eth = b"\x02" * 6 + b"\x04" * 6
    dns = (b"\x12\x34\x01\0\0\x01\0\0\0\0\0\0\x04army\x02ml\0"
           b"\0\x0f\0\x01")
    inner = ip4(17, udp(40000, 53, dns))
    vx = udp(1234, 4789, b"\x08\0\0\0\0\0\x2a\0" + eth + b"\x08\x00" +
             inner)
    gre_vx = ip4(47, b"\x20\0\x08\x00" + b"\0\0\0\x07" + ip4(17, vx))
    ip6 = (b"\x60\0\0\0" + u16(len(udp(40000, 53, dns))) + b"\x11\x40" +
           b"\x20\x01" + b"\0" * 13 + b"\x01" + b"\x20\x01" + b"\0" * 13 +
           b"\x02" + udp(40000, 53, dns))
    gen = ip4(17, udp(1, 6081, b"\x02\0\x86\xdd\0\0\x05\0" + b"\0" * 8 +
                      ip6))
    loop = ip4(47, b"\0\0\x08\x00")
    for _ in range(20):
        loop = ip4(47, b"\0\0\x08\x00" + loop)
    mpls = (b"\0\x01\x00\x40" + b"\0\x02\x01\x40" + b"\0\0\0\0" + eth +
            b"\x08\x00" + inner)
    return [(12, gre_vx), (12, gen), (12, loop), (1, eth + b"\x88\x47" + mpls)]


def tunnel_seeds(seeds):
    paths = sorted(glob.glob(os.path.join(ROOT, "pcaps", "*.pcap")))
    for sub in ("tunnels", "tcpdump"):
        paths += sorted(glob.glob(os.path.join(SHARED, sub, "**", "*.pcap"),
                                  recursive=True))
    for path in paths:
        dlt, frames = read_pcap(path)
        if dlt not in TUNNEL_DLTS:
            continue
        if "tcpdump" in path and dlt in (1, 12, 113):
            continue
        for f in frames[:8]:
            seeds.add("tunnel", bytes([TUNNEL_DLTS.index(dlt) | 7 << 3]) + f)
            if dlt == 1 and f[12:14] in (b"\x08\x00", b"\x86\xdd"):
                seeds.add("fanout", b"\x1f" + f)
    for dlt, f in hand_made_nested():
        seeds.add("tunnel", bytes([TUNNEL_DLTS.index(dlt) | 7 << 3]) + f)
        if dlt == 1 and f[12:14] in (b"\x08\x00", b"\x86\xdd"):
            seeds.add("fanout", b"\x1f" + f)

def tls_start(s):
    """Where TLS starts in a direction's stream, or None."""
    if s.startswith(b"\x16\x03"):
        return 0
    i = s.find(b"\r\n\x16\x03")
    return i + 2 if i >= 0 else None


def tls_seeds(seeds, streams, steps):
    start = {d: tls_start(streams[d]) for d in (0, 1)}
    if start[0] is None:
        return
    pos, out = {0: 0, 1: 0}, b""
    for d, data in steps:
        at = start[d]
        if at is not None and pos[d] + len(data) > at:
            piece = data[max(0, at - pos[d]):]
            for i in range(0, len(piece), 0xffff):
                chunk = piece[i:i + 0xffff]
                out += bytes([d | 4]) + u16(len(chunk)) + chunk
        pos[d] += len(data)
    seeds.add("tls", out)


def main():
    seeds = Seeds()
    conns, frags = {}, {}
    for path in sorted(glob.glob(os.path.join(ROOT, "pcaps", "*.pcap"))):
        dlt, frames = read_pcap(path)
        if dlt not in DLTS:
            continue
        # worker: seconds to wait (whole seconds: time is not the point),
        # 16-bit length, the IP packet.
        out = b""
        for f in frames:
            try:
                link = strip_link(dlt, f)
            except (struct.error, IndexError):
                continue
            if link is not None and len(out) < 65536:
                out += b"\0" + u16(len(link[1])) + link[1]
        if out:
            seeds.add("worker", out)
        for f in frames:
            seeds.add("decode", bytes([DLTS.index(dlt)]) + f)
            try:
                link = strip_link(dlt, f)
                p = link and parse_ip(*link)
            except (struct.error, IndexError):
                continue
            if p is None:
                continue
            if p["frag"]:
                k = (path, p["v6"], p["src"], p["dst"], p["id"])
                frags.setdefault(k, []).append(p)
                continue
            p = parse_l4(p)
            if p is None:
                continue
            if p["proto"] == 17 and DNS_PORTS & {p["sport"], p["dport"]}:
                seeds.add("dns", p["data"])
                for name in dns_names(p["data"]):
                    seeds.add("typo", name)
            elif p["proto"] == 6:
                k = (path,) + tuple(sorted([(p["src"], p["sport"]),
                                            (p["dst"], p["dport"])]))
                conns.setdefault(k, []).append(p)
    tcp_seeds(seeds, conns)

    # defrag: control byte, offset in 8-byte units, length, bytes.
    for n, (k, parts) in enumerate(sorted(frags.items(), key=str)):
        out = b""
        for p in parts:
            proto = p.get("proto", 17)
            ctl = int(p["more"]) | int(p["v6"]) << 1 | (n & 3) << 2 | \
                (0x10 if proto == 6 else 0)
            out += bytes([ctl]) + u16(p["off"] // 8) + \
                u16(len(p["payload"])) + p["payload"]
        seeds.add("defrag", out)

    for path in sorted(glob.glob(os.path.join(ROOT, "etc", "*.yaml")) +
                       glob.glob(os.path.join(ROOT, "tests", "e2e", "*",
                                              "*.yaml")) +
                       glob.glob(os.path.join(ROOT, "tests", "oracle",
                                              "*.yaml"))):
        if os.path.basename(path) == "test.yaml":
            with open(path, "rb") as f:
                text = f.read()
            for m in re.finditer(rb"typo\.observed: ([^\s,}]+)", text):
                seeds.add("typo", m.group(1).strip(b"'\""))
            continue
        with open(path, "rb") as f:
            seeds.add("config", f.read())

    # Typo classes the captures do not show (README "The typo model").
    for name in ["army.ml", "gmial.com", "gmai.com", "gmail.cm", "gmsil.com",
                 "g-mail.com", "gm.ail.com", "gmailcom.com", "armymil.com",
                 "army.mil.com", "gmail.net", "yahoo.co.ug", "grnail.com",
                 "gmai1.com", "xn--gmil-63d.com", "gm\u00e0il.com",
                 "gogglemial.com", "ARMY.ML.", "army.mil", "mailru.com",
                 "a" * 63 + "." + "b" * 63 + ".com"]:
        seeds.add("typo", name.encode())

    tunnel_seeds(seeds)

    for t in sorted(seeds.new):
        print("make-seeds: %s: %d new" % (t, seeds.new[t]))


if __name__ == "__main__":
    main()
