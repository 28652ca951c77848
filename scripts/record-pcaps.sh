#!/usr/bin/env bash
# record-pcaps.sh — re-record the DNS test captures in pcaps/.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-pcaps.sh
#
# What it does
#   Builds a private two-host network out of two network namespaces
#   ("typosentry-rec-client" and "typosentry-rec-server") joined by a veth
#   pair, runs dnsmasq in the server namespace as a small local-only DNS
#   server holding MX/A/AAAA records for protected domains and their typos,
#   and records real dig/drill lookups made from the client namespace with
#   tcpdump (and dumpcap for pcapng).  No packet leaves the namespaces: every
#   address used is a documentation address (192.0.2.0/24, 198.51.100.0/24,
#   203.0.113.0/24, 2001:db8::/32) that exists only inside them.
#
#   Captures written to pcaps/ (overwritten on every run; see pcaps/README.md):
#     dns-mx-eth.pcap        Ethernet, tcpdump on the client veth, IPv4+IPv6
#     dns-mx-eth.pcapng      the same packets, captured by dumpcap running on
#                            the same interface at the same time (real pcapng)
#     dns-mx-sll.pcap        Linux cooked v1 (tcpdump -i any -y LINUX_SLL)
#     dns-mx-sll2.pcap       Linux cooked v2 (tcpdump -i any -y LINUX_SLL2)
#     dns-mx-vlan.pcap       Ethernet + 802.1Q tag (VLAN 100)
#     dns-mx-qinq.pcap       Ethernet + 802.1ad tag 200 + 802.1Q tag 300
#     dns-mx-rawip.pcap      Raw IP (LINKTYPE_RAW, 101), captured on a tun
#                            point-to-point link between the namespaces
#     dns-mx-null.pcap       BSD loopback (LINKTYPE_NULL, 0): the packets of
#                            dns-mx-rawip.pcap re-encapsulated with a 4-byte
#                            little-endian address family (2 = IPv4,
#                            24 = IPv6 as on NetBSD/OpenBSD)
#     demo.pcap              Ethernet, a small realistic mix for `make demo`
#     dns-mx-truncated.pcap  dns-mx-eth.pcap cut in the middle of record 6
#     dns-mx-corrupt.pcap    dns-mx-eth.pcap with record 4's caplen set to
#                            0xFFFFFFF0
#     dns-mx-snaplen.pcap    dns-mx-eth.pcap as a snap length of 80 bytes
#                            records it (editcap -s 80, as tcpdump -s 80)
#
#   VLAN and QinQ: when the kernel has 802.1Q support (module 8021q) the
#   script uses ordinary VLAN sub-interfaces ("type vlan", "proto 802.1ad"
#   for the outer QinQ tag).  When it has not, it falls back to tap devices
#   plus a small tagger (an embedded python3 helper, stdlib only) that pushes
#   the tags onto frames sent on the veth and pops them from received frames,
#   i.e. a userspace VLAN sub-interface.  The frames on the veth are the same
#   either way.  Force one with VLAN_MODE=kernel or VLAN_MODE=userspace.
#
#   Raw IP: a pair of tun devices (one per namespace) joined by the helper,
#   like a VPN.  It carries IPv4 and IPv6 and needs no tunnel modules.
#
#   Determinism: the same queries are sent in the same order on every run.
#   Neighbour entries are static and IPv6 DAD / router solicitation /
#   link-local addresses are off, so the captures hold only the DNS packets;
#   the script checks the exact packet count of every capture.  Timestamps,
#   DNS ids, source ports and EDNS cookies differ from run to run.
#
# Requirements: root, iproute2, dnsmasq, dig (bind9-dnsutils), drill
# (ldnsutils), tcpdump, tshark/dumpcap/capinfos/editcap (tshark), python3.
# `scripts/install-deps.sh --test` installs them.
#
# Every background process the script starts is stopped by its PID, and the
# namespaces and devices are removed on exit (also on error or Ctrl-C).
# It can be re-run at any time; a namespace left over from an interrupted
# run is removed first.
set -euo pipefail

# ---------------------------------------------------------------- settings
NS_C=typosentry-rec-client
NS_S=typosentry-rec-server
VLAN_MODE=${VLAN_MODE:-auto}     # auto | kernel | userspace
PY=/usr/bin/python3
HELPER_LIFETIME=600              # seconds; helpers exit by themselves after this

# Ethernet link (veth)
C_ETH=c-veth;  S_ETH=s-veth
C_ETH_MAC=02:00:00:00:02:01;  S_ETH_MAC=02:00:00:00:02:53
C4=192.0.2.1;      S4=192.0.2.53;      P4=24
C6=2001:db8::1;    S6=2001:db8::53;    P6=64
# 802.1Q VLAN 100
C_VL=c-v100;  S_VL=s-v100
C_VL_MAC=02:00:00:00:64:01;  S_VL_MAC=02:00:00:00:64:53
VL_C4=198.51.100.1;     VL_S4=198.51.100.53;     VL_P4=24
VL_C6=2001:db8:100::1;  VL_S6=2001:db8:100::53;  VL_P6=64
# QinQ: outer 802.1ad VLAN 200, inner 802.1Q VLAN 300
C_QO=c-s200;  S_QO=s-s200        # outer device (kernel mode only)
C_QI=c-q300;  S_QI=s-q300
C_QI_MAC=02:00:00:01:2c:01;  S_QI_MAC=02:00:00:01:2c:53
QQ_C4=203.0.113.1;      QQ_S4=203.0.113.53;      QQ_P4=25
QQ_C6=2001:db8:300::1;  QQ_S6=2001:db8:300::53;  QQ_P6=64
# tun point-to-point link (raw IP)
C_TUN=c-tun;  S_TUN=s-tun
TU_C4=203.0.113.129;    TU_S4=203.0.113.153;     TU_P4=25
TU_C6=2001:db8:ff::1;   TU_S6=2001:db8:ff::53;   TU_P6=64

# ------------------------------------------------------------------ basics
REC_NAME=record-pcaps
NAMESPACES=("$NS_C" "$NS_S")
NS_DEVICES=("$C_VL" "$C_QI" "$C_TUN" "$S_VL" "$S_QI" "$S_TUN")
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

[ "$(id -u)" -eq 0 ] || die "must run as root (sudo scripts/record-pcaps.sh)"
for cmd in ip dnsmasq dig drill tcpdump dumpcap tshark capinfos flock "$PY"; do
    command -v "$cmd" >/dev/null 2>&1 ||
        die "'$cmd' not found; run scripts/install-deps.sh --test"
done
case $VLAN_MODE in auto|kernel|userspace) ;;
    *) die "VLAN_MODE must be auto, kernel or userspace" ;; esac

# One recorder at a time, a work directory, everything removed on exit
# (scripts/netns-lib.sh).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps
netns_init typosentry-rec
HELPER=$WORK/helper.py

nsc() { ip netns exec "$NS_C" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

# ---------------------------------------------------------- python helper
cat >"$HELPER" <<'PYEOF'
"""Helpers for record-pcaps.sh (python3 standard library only).

  tunwire IF_A NETNS_B IF_B SECONDS
      Join tun device IF_A (current netns) and tun device IF_B (in netns
      file NETNS_B) into a point-to-point link by copying packets both ways.
  vlantag TRUNK SECONDS TAP=TPID:VID[/TPID:VID]...
      Userspace VLAN sub-interfaces: frames read from TAP get the tags pushed
      (outermost first) and are sent on TRUNK; frames received on TRUNK
      carrying exactly those tags are popped and written to TAP.
  tonull IN OUT         raw-IP pcap -> BSD loopback (DLT_NULL) pcap
  corrupt IN OUT N VAL  set the caplen field of record N (1-based) to VAL
  cutoffset IN N        byte offset half-way into the data of record N+1
  linktype FILE         print the pcap link-layer header type
"""
import ctypes
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
CLONE_NEWNET = 0x40000000
SOL_PACKET, PACKET_AUXDATA, PACKET_OUTGOING = 263, 8, 4
ETH_P_ALL = 0x0003
TP_STATUS_VLAN_VALID, TP_STATUS_VLAN_TPID_VALID = 1 << 4, 1 << 6
AF_NULL_INET, AF_NULL_INET6 = 2, 24


def open_tun(name, kind):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), kind | IFF_NO_PI))
    return fd


def enter_netns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), path)
    finally:
        os.close(fd)


def ready():
    print("ready", flush=True)


def forward(fd, data):
    try:
        os.write(fd, data)
    except OSError:
        pass  # device down / not ready: drop, like a wire would


def tunwire(if_a, netns_b, if_b, seconds):
    a = open_tun(if_a, IFF_TUN)
    enter_netns(netns_b)
    b = open_tun(if_b, IFF_TUN)
    peer = {a: b, b: a}
    deadline = time.monotonic() + float(seconds)
    ready()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        readable, _, _ = select.select([a, b], [], [], min(left, 1.0))
        for fd in readable:
            forward(peer[fd], os.read(fd, 65535))


def parse_tags(spec):
    out = b""
    for tag in spec.split("/"):
        tpid, vid = tag.split(":")
        out += struct.pack("!HH", int(tpid, 16), int(vid))
    return out


def vlantag(trunk, seconds, *specs):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sock.bind((trunk, ETH_P_ALL))
    taps = []  # (fd, tag bytes)
    for spec in specs:
        name, tags = spec.split("=", 1)
        taps.append((open_tun(name, IFF_TAP), parse_tags(tags)))
    tag_of = dict(taps)
    deadline = time.monotonic() + float(seconds)
    ready()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        readable, _, _ = select.select([sock] + list(tag_of), [], [], min(left, 1.0))
        for fd in readable:
            if fd in tag_of:
                frame = os.read(fd, 65535)
                if len(frame) >= 14:
                    try:
                        sock.send(frame[:12] + tag_of[fd] + frame[12:])
                    except OSError:
                        pass
                continue
            data, anc, _flags, addr = sock.recvmsg(65535, socket.CMSG_SPACE(32))
            if addr[2] == PACKET_OUTGOING or len(data) < 14:
                continue
            # The kernel moves the outermost tag of a received frame into
            # metadata; put it back in the frame.
            for level, kind, cdata in anc:
                if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 20:
                    status, _l, _s, _m, _n, tci, tpid = struct.unpack("IIIHHHH", cdata[:20])
                    if status & TP_STATUS_VLAN_VALID:
                        if not status & TP_STATUS_VLAN_TPID_VALID:
                            tpid = 0x8100
                        data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
            for tfd, tags in taps:
                if data[12:12 + len(tags)] == tags:
                    inner = data[12 + len(tags):12 + len(tags) + 2]
                    if inner not in (b"\x81\x00", b"\x88\xa8"):
                        forward(tfd, data[:12] + data[12 + len(tags):])
                    break


def read_pcap(path):
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("%s: not a pcap file" % path)
    return raw, end


def records(raw, end):
    off = 24
    while off + 16 <= len(raw):
        ts_s, ts_f, caplen, length = struct.unpack(end + "IIII", raw[off:off + 16])
        yield off, ts_s, ts_f, caplen, length, raw[off + 16:off + 16 + caplen]
        off += 16 + caplen


def tonull(src, dst):
    raw, end = read_pcap(src)
    vmaj, vmin, tz, sigfigs, snaplen, linktype = struct.unpack(end + "HHiIII", raw[4:24])
    if linktype not in (101, 228, 229):
        sys.exit("%s: link type %d is not raw IP" % (src, linktype))
    out = [raw[:4], struct.pack(end + "HHiIII", vmaj, vmin, tz, sigfigs, snaplen + 4, 0)]
    for _off, ts_s, ts_f, caplen, length, data in records(raw, end):
        af = AF_NULL_INET if data[0] >> 4 == 4 else AF_NULL_INET6
        # DLT_NULL: the family is in the byte order of the capturing host;
        # this file is little-endian, as if written on x86/arm64 BSD.
        out.append(struct.pack(end + "IIII", ts_s, ts_f, caplen + 4, length + 4))
        out.append(struct.pack("<I", af) + data)
    with open(dst, "wb") as f:
        f.write(b"".join(out))


def corrupt(src, dst, recno, value):
    raw, end = read_pcap(src)
    for i, (off, *_rest) in enumerate(records(raw, end), 1):
        if i == int(recno):
            buf = bytearray(raw)
            buf[off + 8:off + 12] = struct.pack(end + "I", int(value, 0))
            with open(dst, "wb") as f:
                f.write(buf)
            return
    sys.exit("%s: fewer than %s records" % (src, recno))


def cutoffset(src, n):
    raw, end = read_pcap(src)
    for i, (off, _s, _f, caplen, _l, _d) in enumerate(records(raw, end), 1):
        if i == int(n) + 1:
            print(off + 16 + caplen // 2)
            return
    sys.exit("%s: fewer than %d records" % (src, int(n) + 1))


def linktype(path):
    raw, end = read_pcap(path)
    print(struct.unpack(end + "I", raw[20:24])[0])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"tunwire": tunwire, "vlantag": vlantag, "tonull": tonull,
     "corrupt": corrupt, "cutoffset": cutoffset, "linktype": linktype}[cmd](*args)
PYEOF

# start_helper NAME NS ARGS...: run the helper in namespace NS, wait for it.
start_helper() {
    local name=$1 ns=$2; shift 2
    ip netns exec "$ns" "$PY" "$HELPER" "$@" >"$WORK/$name.log" 2>&1 9>&- &
    local pid=$!
    BG_PIDS+=("$pid")
    wait_for_text "$WORK/$name.log" ready "helper $name" "$pid"
}

# ---------------------------------------------------------------- network
log "== setting up namespaces $NS_C and $NS_S"
delete_namespaces
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # No link-local addresses, DAD, router solicitations or RAs: nothing but
    # the DNS traffic shows up on the links.
    for scope in all default; do
        ip netns exec "$ns" sysctl -q -w \
            "net.ipv6.conf.$scope.addr_gen_mode=1" \
            "net.ipv6.conf.$scope.accept_dad=0" \
            "net.ipv6.conf.$scope.router_solicitations=0" \
            "net.ipv6.conf.$scope.accept_ra=0"
    done
done

# addr_link NS DEV MAC ADDR4/PLEN ADDR6/PLEN
addr_link() {
    local ns=$1 dev=$2 mac=$3 a4=$4 a6=$5
    [ -n "$mac" ] && ip -n "$ns" link set dev "$dev" address "$mac"
    ip -n "$ns" addr add "$a4" dev "$dev"
    ip -n "$ns" addr add "$a6" dev "$dev" nodad
    ip -n "$ns" link set dev "$dev" up
}
# static_neigh NS DEV MAC ADDR...
static_neigh() {
    local ns=$1 dev=$2 mac=$3 a; shift 3
    for a in "$@"; do
        ip -n "$ns" neigh replace "$a" lladdr "$mac" dev "$dev" nud permanent
    done
}

ip link add "$C_ETH" netns "$NS_C" type veth peer name "$S_ETH" netns "$NS_S"
addr_link "$NS_C" "$C_ETH" "$C_ETH_MAC" "$C4/$P4" "$C6/$P6"
addr_link "$NS_S" "$S_ETH" "$S_ETH_MAC" "$S4/$P4" "$S6/$P6"

# VLAN 100 and QinQ 200/300 on top of the veth.
if [ "$VLAN_MODE" != userspace ] &&
   ip -n "$NS_C" link add link "$C_ETH" name "$C_VL" type vlan id 100 2>/dev/null; then
    VLAN_HOW=kernel
    ip -n "$NS_S" link add link "$S_ETH" name "$S_VL" type vlan id 100
    ip -n "$NS_C" link add link "$C_ETH" name "$C_QO" type vlan proto 802.1ad id 200
    ip -n "$NS_S" link add link "$S_ETH" name "$S_QO" type vlan proto 802.1ad id 200
    ip -n "$NS_C" link add link "$C_QO" name "$C_QI" type vlan proto 802.1Q id 300
    ip -n "$NS_S" link add link "$S_QO" name "$S_QI" type vlan proto 802.1Q id 300
    ip -n "$NS_C" link set "$C_QO" up
    ip -n "$NS_S" link set "$S_QO" up
else
    [ "$VLAN_MODE" = kernel ] && die "kernel has no 802.1Q VLAN support (VLAN_MODE=kernel)"
    VLAN_HOW=userspace
    for d in "$C_VL" "$C_QI"; do ip -n "$NS_C" tuntap add dev "$d" mode tap; done
    for d in "$S_VL" "$S_QI"; do ip -n "$NS_S" tuntap add dev "$d" mode tap; done
fi
addr_link "$NS_C" "$C_VL" "$C_VL_MAC" "$VL_C4/$VL_P4" "$VL_C6/$VL_P6"
addr_link "$NS_S" "$S_VL" "$S_VL_MAC" "$VL_S4/$VL_P4" "$VL_S6/$VL_P6"
addr_link "$NS_C" "$C_QI" "$C_QI_MAC" "$QQ_C4/$QQ_P4" "$QQ_C6/$QQ_P6"
addr_link "$NS_S" "$S_QI" "$S_QI_MAC" "$QQ_S4/$QQ_P4" "$QQ_S6/$QQ_P6"
if [ "$VLAN_HOW" = userspace ]; then
    start_helper tag-client "$NS_C" vlantag "$C_ETH" "$HELPER_LIFETIME" \
        "$C_VL=8100:100" "$C_QI=88a8:200/8100:300"
    start_helper tag-server "$NS_S" vlantag "$S_ETH" "$HELPER_LIFETIME" \
        "$S_VL=8100:100" "$S_QI=88a8:200/8100:300"
fi

static_neigh "$NS_C" "$C_ETH" "$S_ETH_MAC" "$S4" "$S6"
static_neigh "$NS_S" "$S_ETH" "$C_ETH_MAC" "$C4" "$C6"
static_neigh "$NS_C" "$C_VL" "$S_VL_MAC" "$VL_S4" "$VL_S6"
static_neigh "$NS_S" "$S_VL" "$C_VL_MAC" "$VL_C4" "$VL_C6"
static_neigh "$NS_C" "$C_QI" "$S_QI_MAC" "$QQ_S4" "$QQ_S6"
static_neigh "$NS_S" "$S_QI" "$C_QI_MAC" "$QQ_C4" "$QQ_C6"

# Raw IP: two tun devices joined by the helper.
ip -n "$NS_C" tuntap add dev "$C_TUN" mode tun
ip -n "$NS_S" tuntap add dev "$S_TUN" mode tun
addr_link "$NS_C" "$C_TUN" "" "$TU_C4/$TU_P4" "$TU_C6/$TU_P6"
addr_link "$NS_S" "$S_TUN" "" "$TU_S4/$TU_P4" "$TU_S6/$TU_P6"
start_helper tunwire "$NS_C" tunwire "$C_TUN" "/run/netns/$NS_S" "$S_TUN" "$HELPER_LIFETIME"
log "   VLAN/QinQ: $VLAN_HOW; raw IP: tun pair"

# ---------------------------------------------------------------- dnsmasq
log "== starting dnsmasq in $NS_S"
DNSMASQ_ARGS=(
    --keep-in-foreground --conf-file=/dev/null --pid-file=
    --no-resolv --no-hosts --no-poll --bind-interfaces
    --user=nobody --group=nogroup --log-facility=- --log-queries
)
for a in "$S4" "$S6" "$VL_S4" "$VL_S6" "$QQ_S4" "$QQ_S6" "$TU_S4" "$TU_S6"; do
    DNSMASQ_ARGS+=("--listen-address=$a")
done
# shellcheck disable=SC2054  # the commas belong to dnsmasq options
# Answer only from the records below; anything else in these zones is
# NXDOMAIN (never forwarded: there is no upstream server at all).
DNSMASQ_ARGS+=(
    --local=/army.mil/navy.mil/army.ml/army.il/gmail.com/gmial.com/gmai.com/
    --local=/google.com/mail.com/example.org/
    --mx-host=army.mil,mail.army.mil,10
    --mx-host=navy.mil,mail.navy.mil,10
    --mx-host=army.ml,mail.army.ml,10
    --mx-host=us.army.ml,mail.us.army.ml,10
    --mx-host=army.il,mail.army.il,10
    --mx-host=gmail.com,gmail-smtp-in.l.google.com,5
    --mx-host=gmial.com,mx.gmial.com,10
    --mx-host=gmai.com,mx.gmai.com,10
    --mx-host=mail.com,mx.mail.com,10
    --mx-host=example.org,mx.example.org,10
    --host-record=mail.army.mil,192.0.2.25,2001:db8::25
    --host-record=mail.navy.mil,192.0.2.26,2001:db8::26
    --host-record=mail.army.ml,198.51.100.25,2001:db8:bad::25
    --host-record=mail.us.army.ml,198.51.100.26,2001:db8:bad::26
    --host-record=mail.army.il,198.51.100.27,2001:db8:bad::27
    --host-record=gmail-smtp-in.l.google.com,192.0.2.27,2001:db8::27
    --host-record=mx.gmial.com,198.51.100.28,2001:db8:bad::28
    --host-record=mx.gmai.com,198.51.100.29,2001:db8:bad::29
    --host-record=mx.mail.com,192.0.2.28,2001:db8::28
    --host-record=mx.example.org,192.0.2.29,2001:db8::29
    --host-record=www.example.org,192.0.2.80,2001:db8::80
)
ip netns exec "$NS_S" dnsmasq "${DNSMASQ_ARGS[@]}" >"$WORK/dnsmasq.log" 2>&1 9>&- &
DNSMASQ_PID=$!
BG_PIDS+=("$DNSMASQ_PID")
for ((i = 0; ; i++)); do
    listening=$(nss ss -Hlun 'sport = :53' 2>/dev/null | wc -l)
    [ "$listening" -ge 8 ] && break
    kill -0 "$DNSMASQ_PID" 2>/dev/null || { cat "$WORK/dnsmasq.log" >&2; die "dnsmasq exited"; }
    [ "$i" -lt 100 ] || { cat "$WORK/dnsmasq.log" >&2; die "dnsmasq is not listening"; }
    sleep 0.1
done
# Let the links go quiet (MLD reports sent when the addresses were added).
sleep 2

# ------------------------------------------------------------- capturing
CAP_PIDS=()
# cap_start NAME NS IFACE FILE [tcpdump options]: start tcpdump, wait for it.
cap_start() {
    local name=$1 ns=$2 ifc=$3 file=$4; shift 4
    ip netns exec "$ns" tcpdump -i "$ifc" -U -s 0 -n -Z root --immediate-mode \
        "$@" -w "$file" >"$WORK/$name.log" 2>&1 9>&- &
    local pid=$!
    BG_PIDS+=("$pid"); CAP_PIDS+=("$pid")
    wait_for_text "$WORK/$name.log" "listening on" "tcpdump ($name)" "$pid"
}
# dumpcap_start NAME NS IFACE FILE: the same with dumpcap writing pcapng.
dumpcap_start() {
    local name=$1 ns=$2 ifc=$3 file=$4
    ip netns exec "$ns" dumpcap -i "$ifc" -s 0 -n -w "$file" >"$WORK/$name.log" 2>&1 9>&- &
    local pid=$!
    BG_PIDS+=("$pid"); CAP_PIDS+=("$pid")
    wait_for_text "$WORK/$name.log" "Capturing on" "dumpcap ($name)" "$pid"
}
# cap_stop: stop every running capture once the last packets are in.
cap_stop() {
    local pid
    sleep 1
    for pid in "${CAP_PIDS[@]}"; do stop_pid "$pid"; done
    CAP_PIDS=()
}

# query TOOL TYPE NAME SERVER: one lookup from the client namespace.
query() {
    local tool=$1 type=$2 name=$3 server=$4 out status want=NOERROR
    case $name in nxdomain-*) want=NXDOMAIN ;; esac
    case $tool in
        dig)   out=$(nsc dig +tries=1 +time=2 @"$server" "$type" "$name" 2>&1) || true ;;
        drill) out=$(nsc drill "$type" "$name" @"$server" 2>&1) || true ;;
    esac
    status=$(printf '%s\n' "$out" |
             sed -n 's/.*->>HEADER<<-.*\(status\|rcode\): \([A-Z]*\).*/\2/p' | head -n 1)
    printf '   %-5s %-4s %-26s @%-18s %s\n' "$tool" "$type" "$name" "$server" "${status:-no answer}"
    [ "$status" = "$want" ] || { printf '%s\n' "$out" >&2; die "$tool $type $name @$server: expected $want"; }
}

# run_queries SERVER4 SERVER6 "TOOL TYPE NAME"...: each query via IPv4, then IPv6.
run_queries() {
    local s4=$1 s6=$2 q tool type name; shift 2
    for q in "$@"; do
        read -r tool type name <<<"$q"
        query "$tool" "$type" "$name" "$s4"
        query "$tool" "$type" "$name" "$s6"
    done
}

ETH_QUERIES=(
    "dig MX army.ml"
    "dig MX army.mil"
    "dig MX gmail.com"
    "dig MX gmial.com"
    "dig MX mail.com"
    "dig MX example.org"
    "dig MX us.army.ml"
    "dig A mail.army.ml"
    "drill MX gmai.com"
    "dig MX nxdomain-test.army.ml"
    "dig MX ARMY.ML"
    "dig MX navy.mil"
    "dig MX army.il"
)
SLL_QUERIES=("dig MX army.ml" "dig MX army.mil" "dig MX gmail.com" "dig MX gmial.com")
VLAN_QUERIES=("dig MX army.ml" "dig MX gmial.com" "dig MX gmail.com")
RAW_QUERIES=("dig MX army.ml" "dig MX army.mil" "dig MX gmial.com")

log "== a/b: dns-mx-eth.pcap + dns-mx-eth.pcapng (Ethernet, tcpdump + dumpcap on $C_ETH)"
cap_start eth "$NS_C" "$C_ETH" "$WORK/dns-mx-eth.pcap"
dumpcap_start eth-ng "$NS_C" "$C_ETH" "$WORK/dns-mx-eth.pcapng"
run_queries "$S4" "$S6" "${ETH_QUERIES[@]}"
cap_stop

log "== c: dns-mx-sll.pcap (tcpdump -i any -y LINUX_SLL)"
cap_start sll "$NS_C" any "$WORK/dns-mx-sll.pcap" -y LINUX_SLL
run_queries "$S4" "$S6" "${SLL_QUERIES[@]}"
cap_stop

log "== d: dns-mx-sll2.pcap (tcpdump -i any -y LINUX_SLL2)"
cap_start sll2 "$NS_C" any "$WORK/dns-mx-sll2.pcap" -y LINUX_SLL2
run_queries "$S4" "$S6" "${SLL_QUERIES[@]}"
cap_stop

log "== e: dns-mx-vlan.pcap (802.1Q VLAN 100, captured on $C_ETH)"
cap_start vlan "$NS_C" "$C_ETH" "$WORK/dns-mx-vlan.pcap"
run_queries "$VL_S4" "$VL_S6" "${VLAN_QUERIES[@]}"
cap_stop

log "== f: dns-mx-qinq.pcap (802.1ad 200 + 802.1Q 300, captured on $C_ETH)"
cap_start qinq "$NS_C" "$C_ETH" "$WORK/dns-mx-qinq.pcap"
run_queries "$QQ_S4" "$QQ_S6" "${VLAN_QUERIES[@]}"
cap_stop

log "== g: dns-mx-rawip.pcap (raw IP, captured on $C_TUN)"
cap_start rawip "$NS_C" "$C_TUN" "$WORK/dns-mx-rawip.pcap"
run_queries "$TU_S4" "$TU_S6" "${RAW_QUERIES[@]}"
cap_stop

log "== i: demo.pcap (Ethernet, mixed benign and typo lookups)"
cap_start demo "$NS_C" "$C_ETH" "$WORK/demo.pcap"
query dig   A    www.example.org            "$S4"
query dig   AAAA www.example.org            "$S6"
query dig   MX   gmail.com                  "$S4"
query dig   A    gmail-smtp-in.l.google.com "$S4"
query dig   MX   gmial.com                  "$S6"
query dig   AAAA mx.gmial.com               "$S6"
query dig   MX   army.mil                   "$S4"
query dig   A    mail.army.mil              "$S4"
query dig   MX   army.ml                    "$S4"
query dig   A    mail.army.ml               "$S4"
query dig   MX   mail.com                   "$S6"
query dig   AAAA mx.mail.com                "$S6"
query dig   MX   us.army.ml                 "$S6"
query dig   MX   example.org                "$S4"
query drill MX   navy.mil                   "$S6"
cap_stop

stop_pid "$DNSMASQ_PID"

log "== h/j: derived files"
"$PY" "$HELPER" tonull "$WORK/dns-mx-rawip.pcap" "$WORK/dns-mx-null.pcap"
cut=$("$PY" "$HELPER" cutoffset "$WORK/dns-mx-eth.pcap" 5)
head -c "$cut" "$WORK/dns-mx-eth.pcap" >"$WORK/dns-mx-truncated.pcap"
# Record 4, not 3: Wireshark's reader looks at the first three records to
# tell pcap variants apart, and a bad record 3 makes it misread the whole
# file instead of reporting the bad header.
"$PY" "$HELPER" corrupt "$WORK/dns-mx-eth.pcap" "$WORK/dns-mx-corrupt.pcap" 4 0xFFFFFFF0
# A small snap length: every frame cut to 80 bytes, the record keeping the
# frame's length.  The IPv4 messages keep their header and question (but
# nxdomain-test.army.ml's), the IPv6 ones are cut inside the question.
editcap -s 80 "$WORK/dns-mx-eth.pcap" "$WORK/dns-mx-snaplen.pcap"

# ------------------------------------------------------------- verifying
log "== verifying"
fails=0
bad() { printf '   FAIL %s\n' "$*" >&2; fails=$((fails + 1)); }

# expect_mx "TOOL TYPE NAME"...: the "family name" lines of the MX queries
# that run_queries sends for these queries, in order.
expect_mx() {
    local q tool type name
    for q in "$@"; do
        read -r tool type name <<<"$q"
        [ "$type" = MX ] || continue
        printf '4 %s\n6 %s\n' "$name" "$name"
    done
}

# mx_list FILE QR: "family name" of every MX query (QR=0) / response (QR=1).
mx_list() {
    tshark -r "$1" -Y "dns.qry.type == 15 && dns.flags.response == $2" \
        -T fields -E separator=/t -e ip.src -e ipv6.src -e dns.qry.name 2>/dev/null |
        awk -F'\t' '{ print ($1 != "" ? 4 : 6), $3 }'
}

# check FILE LINKTYPE PACKETS EXPECTED-MX-LIST
check() {
    local f=$1 lt=$2 npk=$3 want=$4 got n
    if [ "${f##*.}" = pcapng ]; then
        # pcapng: file type and the link type of its interface, by name
        got=$(capinfos -T -r -t -E "$OUT/$f" 2>/dev/null | cut -f2,3 | tr '\t' ' ')
        [ "$got" = "pcapng $lt" ] || bad "$f: type/encapsulation '$got', expected 'pcapng $lt'"
    else
        got=$("$PY" "$HELPER" linktype "$OUT/$f")
        [ "$got" = "$lt" ] || bad "$f: link type $got, expected $lt"
    fi
    n=$(capinfos -T -r -c "$OUT/$f" 2>/dev/null | cut -f2)
    [ "$n" = "$npk" ] || bad "$f: $n packets, expected $npk"
    got=$(mx_list "$OUT/$f" 0)
    [ "$got" = "$want" ] || bad "$f: MX queries differ:"$'\n'"$got"$'\n'"expected:"$'\n'"$want"
    got=$(mx_list "$OUT/$f" 1)
    [ "$got" = "$want" ] || bad "$f: MX responses differ:"$'\n'"$got"$'\n'"expected:"$'\n'"$want"
}

# Move the new captures into place only now that all were recorded.
mkdir -p "$OUT"
for f in dns-mx-eth.pcap dns-mx-eth.pcapng dns-mx-sll.pcap dns-mx-sll2.pcap \
         dns-mx-vlan.pcap dns-mx-qinq.pcap dns-mx-rawip.pcap dns-mx-null.pcap \
         demo.pcap dns-mx-truncated.pcap dns-mx-corrupt.pcap \
         dns-mx-snaplen.pcap; do
    chmod 0644 "$WORK/$f"
    mv -f "$WORK/$f" "$OUT/$f"
done

eth_mx=$(expect_mx "${ETH_QUERIES[@]}")
sll_mx=$(expect_mx "${SLL_QUERIES[@]}")
vlan_mx=$(expect_mx "${VLAN_QUERIES[@]}")
raw_mx=$(expect_mx "${RAW_QUERIES[@]}")
demo_mx=$(printf '%s\n' "4 gmail.com" "6 gmial.com" "4 army.mil" "4 army.ml" \
                        "6 mail.com" "6 us.army.ml" "4 example.org" "6 navy.mil")
# Each query is one request and one response.
check dns-mx-eth.pcap    1   $((4 * ${#ETH_QUERIES[@]}))  "$eth_mx"
check dns-mx-eth.pcapng  ether $((4 * ${#ETH_QUERIES[@]})) "$eth_mx"
check dns-mx-sll.pcap    113 $((4 * ${#SLL_QUERIES[@]}))  "$sll_mx"
check dns-mx-sll2.pcap   276 $((4 * ${#SLL_QUERIES[@]}))  "$sll_mx"
check dns-mx-vlan.pcap   1   $((4 * ${#VLAN_QUERIES[@]})) "$vlan_mx"
check dns-mx-qinq.pcap   1   $((4 * ${#VLAN_QUERIES[@]})) "$vlan_mx"
check dns-mx-rawip.pcap  101 $((4 * ${#RAW_QUERIES[@]}))  "$raw_mx"
check dns-mx-null.pcap   0   $((4 * ${#RAW_QUERIES[@]}))  "$raw_mx"
check demo.pcap          1   30 "$demo_mx"
check dns-mx-snaplen.pcap 1  $((4 * ${#ETH_QUERIES[@]})) \
    "$(grep '^4 ' <<<"$eth_mx" | grep -v ' nxdomain-test')"
n=$(tshark -r "$OUT/dns-mx-snaplen.pcap" -Y 'frame.cap_len == 80 && frame.len > 80' 2>/dev/null | wc -l)
[ "$n" = $((4 * ${#ETH_QUERIES[@]})) ] || bad "dns-mx-snaplen.pcap: $n frames cut to 80 bytes"

# Every packet of the tagged captures carries the tags.
n=$(tshark -r "$OUT/dns-mx-vlan.pcap" -Y 'eth.type == 0x8100 && vlan.id == 100 && dns' 2>/dev/null | wc -l)
[ "$n" = $((4 * ${#VLAN_QUERIES[@]})) ] || bad "dns-mx-vlan.pcap: $n packets tagged with VLAN 100"
n=$(tshark -r "$OUT/dns-mx-qinq.pcap" \
        -Y 'eth.type == 0x88a8 && ieee8021ad.id == 200 && vlan.id == 300 && dns' \
        2>/dev/null | wc -l)
[ "$n" = $((4 * ${#VLAN_QUERIES[@]})) ] || bad "dns-mx-qinq.pcap: $n packets tagged 802.1ad 200 + 802.1Q 300"
n=$(tshark -r "$OUT/dns-mx-eth.pcap" -Y 'dns.qry.name == "nxdomain-test.army.ml" && dns.flags.rcode == 3' 2>/dev/null | wc -l)
[ "$n" = 2 ] || bad "dns-mx-eth.pcap: $n NXDOMAIN responses for nxdomain-test.army.ml, expected 2"

# The damaged files: some packets, then an error.
# damaged FILE PACKETS TSHARK-ERROR TCPDUMP-ERROR: both readers (wiretap and
# libpcap) must return exactly PACKETS packets and then the error.
damaged() {
    local f=$1 npk=$2 terr=$3 perr=$4 n
    n=$( (tshark -r "$OUT/$f" -T fields -e frame.number 2>"$WORK/err" || true) | wc -l)
    if [ "$n" != "$npk" ] || ! grep -q "$terr" "$WORK/err"; then
        bad "$f: tshark read $n packets (expected $npk) and said: $(grep -v 'Running as user' "$WORK/err")"
    fi
    n=$( (tcpdump -r "$OUT/$f" -n 2>"$WORK/err" || true) | wc -l)
    if [ "$n" != "$npk" ] || ! grep -q "$perr" "$WORK/err"; then
        bad "$f: tcpdump read $n packets (expected $npk) and said: $(cat "$WORK/err")"
    fi
}
damaged dns-mx-truncated.pcap 5 'cut short in the middle of a packet' 'truncated dump file'
damaged dns-mx-corrupt.pcap 3 'bigger than maximum' 'invalid packet capture length'

# ------------------------------------------------------------ README.md
if [ "$VLAN_HOW" = kernel ]; then
    vlan_made="kernel VLAN sub-interfaces on both veth ends"
    qinq_made="kernel 802.1ad VLAN 200 device with an 802.1Q VLAN 300 device on top, on both veth ends"
else
    vlan_made="tap devices whose frames a userspace tagger (in the script) sends on the veth with an 802.1Q tag, as a VLAN sub-interface would (the kernel used had no 8021q)"
    qinq_made="tap devices plus the userspace tagger pushing an 802.1ad tag 200 and an 802.1Q tag 300 (the kernel used had no 8021q)"
fi
cat >"$OUT/README.md" <<EOF
# Test captures

Recorded by \`sudo scripts/record-pcaps.sh\` (re-running it rewrites every
file here, including this one).  Real dig/drill lookups between two network
namespaces, answered by dnsmasq; only documentation addresses are used
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).  Each
lookup is listed once but was sent over IPv4 and then over IPv6 unless a
family is given.  Timestamps, DNS ids, ports and EDNS cookies differ between
runs; the packets and their order do not.

Names that must alert (typos of protected domains): army.ml, us.army.ml,
ARMY.ML (army.ml in upper case), nxdomain-test.army.ml (NXDOMAIN answer),
army.il, gmial.com, gmai.com.
Names that must not alert: army.mil, navy.mil, gmail.com, mail.com,
example.org (and the A/AAAA lookups).

| File | Link type | Packets | How it was made | Lookups |
|------|-----------|---------|-----------------|---------|
| dns-mx-eth.pcap | Ethernet (1) | $((4 * ${#ETH_QUERIES[@]})) | tcpdump on the client veth | MX army.ml, army.mil, gmail.com, gmial.com, mail.com, example.org, us.army.ml; A mail.army.ml; MX gmai.com (drill); MX nxdomain-test.army.ml (NXDOMAIN), ARMY.ML, navy.mil, army.il |
| dns-mx-eth.pcapng | Ethernet (1), pcapng | $((4 * ${#ETH_QUERIES[@]})) | dumpcap on the same veth during the same lookups as dns-mx-eth.pcap (a real pcapng capture, not a conversion) | same as dns-mx-eth.pcap |
| dns-mx-sll.pcap | Linux cooked v1, LINUX_SLL (113) | $((4 * ${#SLL_QUERIES[@]})) | tcpdump -i any -y LINUX_SLL in the client namespace | MX army.ml, army.mil, gmail.com, gmial.com |
| dns-mx-sll2.pcap | Linux cooked v2, LINUX_SLL2 (276) | $((4 * ${#SLL_QUERIES[@]})) | tcpdump -i any -y LINUX_SLL2 in the client namespace | MX army.ml, army.mil, gmail.com, gmial.com |
| dns-mx-vlan.pcap | Ethernet (1) + 802.1Q VLAN 100 | $((4 * ${#VLAN_QUERIES[@]})) | tcpdump on the parent veth; $vlan_made; 198.51.100.0/24, 2001:db8:100::/64 | MX army.ml, gmial.com, gmail.com |
| dns-mx-qinq.pcap | Ethernet (1) + 802.1ad 200 + 802.1Q 300 | $((4 * ${#VLAN_QUERIES[@]})) | tcpdump on the parent veth; $qinq_made; 203.0.113.0/25, 2001:db8:300::/64 | MX army.ml, gmial.com, gmail.com |
| dns-mx-rawip.pcap | Raw IP, LINKTYPE_RAW (101) | $((4 * ${#RAW_QUERIES[@]})) | tcpdump on a tun device; two tun devices joined by a small forwarder (like a VPN); 203.0.113.128/25, 2001:db8:ff::/64 | MX army.ml, army.mil, gmial.com |
| dns-mx-null.pcap | BSD loopback, LINKTYPE_NULL (0) | $((4 * ${#RAW_QUERIES[@]})) | the packets of dns-mx-rawip.pcap, each prefixed with a 4-byte little-endian address family: 2 (IPv4), 24 (IPv6, NetBSD/OpenBSD value; FreeBSD uses 28, macOS 30) | MX army.ml, army.mil, gmial.com |
| demo.pcap | Ethernet (1) | 30 | tcpdump on the client veth; used by \`make demo\` | A+AAAA www.example.org; MX gmail.com + A gmail-smtp-in.l.google.com (v4); MX gmial.com + AAAA mx.gmial.com (v6); MX army.mil + A mail.army.mil (v4); MX army.ml + A mail.army.ml (v4); MX mail.com + AAAA mx.mail.com (v6); MX us.army.ml (v6); MX example.org (v4); MX navy.mil (drill, v6) |
| dns-mx-truncated.pcap | Ethernet (1) | 5, then a cut | dns-mx-eth.pcap cut (head -c) in the middle of record 6's data | MX army.ml query+response over IPv4 and IPv6, MX army.mil query over IPv4, then half of the next record; readers must report a truncated record |
| dns-mx-corrupt.pcap | Ethernet (1) | 3, then a bad record | dns-mx-eth.pcap with the caplen of record 4 set to 0xFFFFFFF0 (record 4 because Wireshark uses the first three records to detect the pcap variant) | MX army.ml query+response over IPv4, MX army.ml query over IPv6, then the bad header; readers must reject it rather than allocate/read 4 GB |
| dns-mx-snaplen.pcap | Ethernet (1) | $((4 * ${#ETH_QUERIES[@]})) | dns-mx-eth.pcap with every frame cut to 80 bytes (editcap -s 80), as tcpdump -s 80 records it: the record keeps the frame's length | the IPv4 messages keep their DNS header and question (all but nxdomain-test.army.ml), their later records cut; the IPv6 ones are cut inside the question |
EOF

# ------------------------------------------------------------- summary
log "== summary"
(cd "$OUT" && capinfos -T -t -E -c -s ./*.pcap ./*.pcapng 2>/dev/null) || true
for f in dns-mx-eth.pcap dns-mx-eth.pcapng dns-mx-sll.pcap dns-mx-sll2.pcap \
         dns-mx-vlan.pcap dns-mx-qinq.pcap dns-mx-rawip.pcap dns-mx-null.pcap demo.pcap; do
    printf '%-20s MX queries: %s\n' "$f" "$(mx_list "$OUT/$f" 0 | tr '\n' ' ')"
done

[ "$fails" -eq 0 ] || die "$fails check(s) failed"
log "== all captures recorded and verified in pcaps/"
