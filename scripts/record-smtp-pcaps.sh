#!/usr/bin/env bash
# record-smtp-pcaps.sh — re-record the SMTP, DNS-over-TCP and IP fragment
# test captures in pcaps/.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-smtp-pcaps.sh
#
# What it does
#   Builds a private two-host network out of two network namespaces
#   ("typosentry-smtp-client" and "typosentry-smtp-server") joined by a veth
#   pair, runs real servers in the server namespace (Postfix smtp-sink, a
#   private Postfix instance with smtpd for STARTTLS and CHUNKING/BDAT, and
#   dnsmasq) and records real clients in the client namespace (swaks,
#   Postfix smtp-source, dig, and a small scripted SMTP client for the
#   commands no packaged client sends: RSET, NOOP, odd RCPT syntax, BDAT)
#   with tcpdump on the client veth.  No packet leaves the namespaces: every
#   address used is a documentation address (192.0.2.0/24, 2001:db8::/32)
#   that exists only inside them.  Nothing depends on the system's Postfix
#   configuration (there need not be one): smtpd runs under a private
#   master(8) with its own main.cf/master.cf, queue and TLS certificate in a
#   temporary directory.
#
#   Captures written to pcaps/ (overwritten on every run; all Ethernet,
#   tcpdump on the client veth):
#     smtp-basic.pcap          swaks -> smtp-sink, one message, two RCPTs; the
#                              body holds an "RCPT TO:" line and a dot-stuffed
#                              line
#     smtp-pipelining.pcap     swaks --pipeline (MAIL + 3 RCPT + DATA in one
#                              segment), then smtp-source sending two messages
#                              on one connection (with RSET between them)
#     smtp-commands.pcap       scripted client -> smtp-sink over IPv6: RSET,
#                              NOOP, quoted/source-routed/upper-case/literal
#                              recipients, RCPT parameters
#     smtp-starttls.pcap       swaks --tls -> Postfix smtpd: RCPT inside TLS
#     smtp-submission-587.pcap swaks -> smtp-sink on port 587
#     smtp-port-2626.pcap      swaks -> smtp-sink on port 2626 (no SMTP port)
#     smtp-small-mtu.pcap      swaks --pipeline with an MSS of 48: commands
#                              split in the middle of lines
#     smtp-bdat.pcap           scripted client -> Postfix smtpd: BDAT chunks
#                              (one holding an "RCPT TO:" line), then DATA
#     dns-tcp.pcap             dig +tcp MX lookups (IPv4 + IPv6), and two
#                              queries on one connection (+keepopen)
#     dns-tcp-small-mtu.pcap   dig +tcp with an MSS of 48 and 2-3.5 KB answers
#     dns-fragments.pcap       dig over UDP, 2-3.5 KB answers fragmented by IP
#                              (route MTU 576 for IPv4, 1280 for IPv6)
#   Derived from smtp-basic.pcap by the python3 helper below:
#     smtp-reordered.pcap      two pairs of client segments swapped
#     smtp-retransmit.pcap     two client segments duplicated, plus one
#                              segment overlapping earlier data (same bytes)
#     smtp-midstream.pcap      starts at MAIL FROM (no handshake, no EHLO)
#
#   pcaps/README.md: record-pcaps.sh rewrites that file as a whole; this
#   script only replaces the part between its two marker lines (appending it
#   when the markers are missing), so run it after record-pcaps.sh.
#
#   Small segments: a host route with "advmss 48" on both ends makes each
#   side announce an MSS of 48 (the kernel's minimum, tcp_min_snd_mss), so
#   with TCP timestamps a segment carries at most 36 bytes.  Fragments: a host
#   route with "mtu 576" (IPv4) / "mtu 1280" (IPv6) on the server towards the
#   client.  The routes exist only while the capture that needs them runs.
#
#   Determinism: the same commands are sent in the same order on every run,
#   neighbour entries are static, IPv6 DAD / router solicitations / link-
#   local addresses are off, TCP metrics are not cached between connections,
#   segmentation offload is off on the veth (tcpdump sees wire-sized
#   segments) and every process runs on one CPU (so the veth never reorders
#   segments; the script checks that no capture has lost, reordered or
#   retransmitted segments, except the derived ones).  Timestamps, ports, sequence numbers, DNS ids, TLS bytes and
#   how the kernel happens to group ACKs differ from run to run, so packet
#   counts of the TCP captures can vary by a few; the script checks what
#   each capture must contain, not its exact packet count.
#
# Requirements: root, iproute2, postfix (smtp-sink, smtp-source, master,
# smtpd), swaks, libnet-ssleay-perl, openssl, dnsmasq, dig (bind9-dnsutils),
# tcpdump, tshark/capinfos (tshark), python3.  `scripts/install-deps.sh
# --test` installs them.  Installing postfix does not have to leave a system
# Postfix configured or running; this script never starts or uses it.
#
# Every background process the script starts is stopped by its PID, and the
# namespaces are removed on exit (also on error or Ctrl-C).  It can be
# re-run at any time; a namespace left over from an interrupted run is
# removed first.  With KEEP_WORK=1 a failed run leaves its temporary
# directory (captures, logs) in place for inspection.
set -euo pipefail

# ---------------------------------------------------------------- settings
NS_C=typosentry-smtp-client
NS_S=typosentry-smtp-server
PY=/usr/bin/python3

C_ETH="c-veth";  S_ETH="s-veth"
C_ETH_MAC=02:00:00:00:19:01;  S_ETH_MAC=02:00:00:00:19:25
C4=192.0.2.1;      C6=2001:db8::1
MX4=192.0.2.25;    MX6=2001:db8::25      # SMTP servers
DNS4=192.0.2.53;   DNS6=2001:db8::53     # dnsmasq, ordinary records
BIG4=192.0.2.54;   BIG6=2001:db8::54     # dnsmasq, very large MX sets
P4=24; P6=64
SMALL_MSS=48        # tcp_min_snd_mss: the kernel will not go lower
EHLO_NAME=client.example.org
LONG_EHLO="a-rather-long-client-host-name-for-segmentation-tests.example.org"
BIG_MX_ARMY=72      # MX records for army.ml in the large zone (3.5 KB answer)
BIG_MX_GMIAL=40     # MX records for gmial.com in the large zone (2 KB answer)

# ------------------------------------------------------------------ basics
REC_NAME=record-smtp-pcaps
NAMESPACES=("$NS_C" "$NS_S")
NS_DEVICES=()
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

[ "$(id -u)" -eq 0 ] || die "must run as root (sudo scripts/record-smtp-pcaps.sh)"
for cmd in ip dnsmasq dig tcpdump tshark capinfos flock openssl swaks \
           smtp-sink smtp-source postconf setsid taskset "$PY"; do
    command -v "$cmd" >/dev/null 2>&1 ||
        die "'$cmd' not found; run scripts/install-deps.sh --test"
done
perl -MNet::SSLeay -e 1 2>/dev/null ||
    die "perl Net::SSLeay missing (swaks --tls); run scripts/install-deps.sh --test"

# One recorder at a time, a work directory, everything removed on exit
# (scripts/netns-lib.sh).
# Run everything (servers, clients, and so the kernel's packet processing)
# on one CPU: a veth pair fed from several CPUs at once can deliver a burst
# of segments out of order, and then the captures would differ between runs.
CPU=$("$PY" -c 'import os; print(min(os.sched_getaffinity(0)))')
taskset -pc "$CPU" $$ >/dev/null || die "cannot bind to CPU $CPU"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps
netns_init typosentry-smtp
HELPER=$WORK/helper.py

# For foreground commands only: a background "nsc cmd &" would be a subshell
# whose PID is not the command's.
nsc() { ip netns exec "$NS_C" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

# wait_listen PROTO ADDR PORT WHAT PID LOG: in the server namespace.
wait_listen() { wait_listen_in "$NS_S" "$@"; }

# ---------------------------------------------------------- python helper
cat >"$HELPER" <<'PYEOF'
"""Helpers for record-smtp-pcaps.sh (python3 standard library only).

  smtp SESSION HOST PORT
      Run a scripted SMTP client session (SESSIONS below) against HOST:PORT:
      send each step, then read the replies it expects and check their
      first digit.  Prints the dialogue.
  derive KIND IN OUT PORT
      Make a derived capture from the Ethernet pcap IN (client->server port
      PORT): reorder | retransmit | midstream.
  segments FILE PORT
      One line per client->server TCP segment with data: frame number,
      payload length, 1 if the payload ends with CRLF else 0, and the
      payload with CR/LF shown as \\r\\n.
  linktype FILE
      The pcap link-layer header type.
"""
import socket
import struct
import sys

CRLF = b"\r\n"

BODY = (b"From: <alice@example.org>\r\n"
        b"To: <x@example.org>\r\n"
        b"Subject: typosentry test\r\n"
        b"\r\n"
        b"Short test message.\r\n")

# BDAT: the first chunk is exactly 40 bytes and holds an RCPT TO line that
# is message content, not a command; the last chunk is exactly 10 bytes.
CHUNK1 = b"Subject: b\r\n\r\nRCPT TO:<trap@gmial.com>\r\n"
CHUNK2 = b"the end.\r\n"
assert len(CHUNK1) == 40 and len(CHUNK2) == 10

# (bytes to send, expected reply codes' first digits, one per reply)
SESSIONS = {
    "commands": [
        (b"EHLO client.example.org\r\n", "2"),
        (b"MAIL FROM:<alice@example.org>\r\n", "2"),
        (b"RCPT TO:<a@gmial.com>\r\n", "2"),
        (b"RSET\r\n", "2"),
        (b"MAIL FROM:<alice@example.org>\r\n", "2"),
        (b'RCPT TO:<"john doe"@army.ml>\r\n', "2"),
        (b"RCPT TO:<@a.mil:user@army.ml>\r\n", "2"),
        (b"RCPT TO:<USER@ARMY.ML.> NOTIFY=NEVER\r\n", "2"),
        (b"RCPT TO:user@[192.0.2.1]\r\n", "2"),
        (b"RCPT TO:<x@example.org> SIZE=100\r\n", "2"),
        (b"DATA\r\n", "3"),
        (BODY + b".\r\n", "2"),
        (b"NOOP\r\n", "2"),
        (b"QUIT\r\n", "2"),
    ],
    "bdat": [
        (b"EHLO client.example.org\r\n", "2"),
        (b"MAIL FROM:<alice@example.org>\r\n", "2"),
        (b"RCPT TO:<john@army.ml>\r\n", "2"),
        (b"BDAT 40\r\n" + CHUNK1, "2"),
        (b"BDAT 10 LAST\r\n" + CHUNK2, "2"),
        (b"MAIL FROM:<alice@example.org>\r\n", "2"),
        (b"RCPT TO:<second@gmial.com>\r\n", "2"),
        (b"DATA\r\n", "3"),
        (BODY + b".\r\n", "2"),
        (b"QUIT\r\n", "2"),
    ],
}


def show(data):
    return data.decode("latin-1").replace("\r", "\\r").replace("\n", "\\n")


def smtp(session, host, port):
    steps = SESSIONS[session]
    info = socket.getaddrinfo(host, int(port), 0, socket.SOCK_STREAM)[0]
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(info[4])
    rfile = sock.makefile("rb")

    def reply(want):
        while True:
            line = rfile.readline(4096)
            if not line:
                sys.exit("connection closed by the server")
            print("<<< " + show(line), flush=True)
            if line[3:4] != b"-":
                break
        if not line[:1].decode("latin-1") == want:
            sys.exit("unexpected reply (wanted %sxx): %s" % (want, show(line)))

    reply("2")  # greeting
    for data, wants in steps:
        print(">>> " + show(data), flush=True)
        sock.sendall(data)
        for want in wants:
            reply(want)
    sock.close()


# ------------------------------------------------------------ pcap files
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
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    recs = []
    off = 24
    while off + 16 <= len(raw):
        ts_s, ts_f, caplen, length = struct.unpack(end + "IIII", raw[off:off + 16])
        recs.append([ts_s, ts_f, raw[off + 16:off + 16 + caplen], length])
        off += 16 + caplen
    return raw[:24], end, nano, recs


def write_pcap(path, header, end, recs):
    out = [header]
    for ts_s, ts_f, data, _length in recs:
        out.append(struct.pack(end + "IIII", ts_s, ts_f, len(data), len(data)))
        out.append(data)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def linktype(path):
    header, end, _nano, _recs = read_pcap(path)
    print(struct.unpack(end + "I", header[20:24])[0])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Seg:
    """An Ethernet + IPv4/IPv6 + TCP frame, split into its parts."""

    def __init__(self, frame):
        self.eth = frame[:14]
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        self.tcp_ok = False
        if etype == 0x0800 and ip[9] == 6:
            ihl = (ip[0] & 15) * 4
            tot = struct.unpack("!H", ip[2:4])[0]
            self.v, self.iph, tcp = 4, ip[:ihl], ip[ihl:tot]
        elif etype == 0x86DD and ip[6] == 6:
            plen = struct.unpack("!H", ip[4:6])[0]
            self.v, self.iph, tcp = 6, ip[:40], ip[40:40 + plen]
        else:
            return
        doff = (tcp[12] >> 4) * 4
        self.tcph, self.payload = tcp[:doff], tcp[doff:]
        self.sport, self.dport, self.seq = struct.unpack("!HHI", tcp[:8])
        self.tcp_ok = True

    def build(self, seq=None, payload=None):
        """The frame, with a new sequence number / payload if given."""
        seq = self.seq if seq is None else seq
        payload = self.payload if payload is None else payload
        tcph = bytearray(self.tcph)
        tcph[4:8] = struct.pack("!I", seq & 0xFFFFFFFF)
        tcph[16:18] = b"\0\0"
        seg = bytes(tcph) + payload
        iph = bytearray(self.iph)
        if self.v == 4:
            iph[2:4] = struct.pack("!H", len(iph) + len(seg))
            iph[10:12] = b"\0\0"
            iph[10:12] = struct.pack("!H", csum(bytes(iph)))
            pseudo = bytes(iph[12:20]) + struct.pack("!BBH", 0, 6, len(seg))
        else:
            iph[4:6] = struct.pack("!H", len(seg))
            pseudo = bytes(iph[8:40]) + struct.pack("!IxxxB", len(seg), 6)
        tcph[16:18] = struct.pack("!H", csum(pseudo + seg))
        return self.eth + bytes(iph) + bytes(tcph) + payload


def client_segments(recs, port):
    """Indexes (into recs) of client->server segments carrying data."""
    out = []
    for i, rec in enumerate(recs):
        s = Seg(rec[2])
        if s.tcp_ok and s.dport == port and s.payload:
            out.append(i)
    return out


def find(recs, idxs, prefix):
    for i in idxs:
        if Seg(recs[i][2]).payload.startswith(prefix):
            return i
    sys.exit("no client segment starting with %r" % prefix)


def ts_between(recs, a, b, nano):
    """A timestamp half-way between records a and b."""
    unit = 10**9 if nano else 10**6
    ta = recs[a][0] * unit + recs[a][1]
    tb = recs[b][0] * unit + recs[b][1] if b < len(recs) else ta + 2 * unit // 10
    t = (ta + tb) // 2
    return t // unit, t % unit


def next_index(recs, i, port):
    """The index after the server's first data reply following record i."""
    for j in range(i + 1, len(recs)):
        s = Seg(recs[j][2])
        if s.tcp_ok and s.sport == port and s.payload:
            return j + 1
    return len(recs)


def derive(kind, src, dst, port):
    port = int(port)
    header, end, nano, recs = read_pcap(src)
    idxs = client_segments(recs, port)
    mail = find(recs, idxs, b"MAIL FROM:")
    rcpt1 = find(recs, idxs, b"RCPT TO:<john@army.ml>")
    rcpt2 = find(recs, idxs, b"RCPT TO:<jane@army.mil>")
    data = find(recs, idxs, b"DATA\r\n")
    body = idxs[idxs.index(data) + 1]
    if kind == "reorder":
        # Swap the frames (not the timestamps) of two pairs of client
        # segments that are adjacent in the client's byte stream: MAIL FROM
        # with the first RCPT TO, and DATA with the message body.
        for a, b in ((mail, rcpt1), (data, body)):
            recs[a][2], recs[b][2] = recs[b][2], recs[a][2]
    elif kind == "retransmit":
        # Inserted from the end backwards so that indexes stay valid.
        # 3: the message body again, after the server's reply to it.
        at = next_index(recs, body, port)
        recs.insert(at, list(ts_between(recs, at - 1, at, nano)) + [recs[body][2], 0])
        # 2: before DATA, a segment starting 10 bytes into the second RCPT
        # TO and running to the end of DATA (the same bytes as before); the
        # original DATA segment then only repeats bytes already sent.
        r2, d = Seg(recs[rcpt2][2]), Seg(recs[data][2])
        overlap = d.build(seq=r2.seq + 10, payload=r2.payload[10:] + d.payload)
        recs.insert(data, list(ts_between(recs, data - 1, data, nano)) + [overlap, 0])
        # 1: the first RCPT TO again, right after the original.
        recs.insert(rcpt1 + 1, list(ts_between(recs, rcpt1, rcpt1 + 1, nano)) + [recs[rcpt1][2], 0])
    elif kind == "midstream":
        recs = recs[mail:]
    else:
        sys.exit("unknown kind " + kind)
    write_pcap(dst, header, end, recs)


def segments(path, port):
    _h, _e, _n, recs = read_pcap(path)
    for i in client_segments(recs, int(port)):
        p = Seg(recs[i][2]).payload
        print("%d %d %d %s" % (i + 1, len(p), p.endswith(CRLF), show(p)))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"smtp": smtp, "derive": derive, "segments": segments,
     "linktype": linktype}[cmd](*args)
PYEOF

# ---------------------------------------------------------------- network
log "== setting up namespaces $NS_C and $NS_S"
delete_namespaces
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # No link-local addresses, DAD, router solicitations or RAs: nothing but
    # the test traffic shows up on the link.  No TCP metrics cache, so one
    # connection's path parameters do not carry over to the next.
    for scope in all default; do
        ip netns exec "$ns" sysctl -q -w \
            "net.ipv6.conf.$scope.addr_gen_mode=1" \
            "net.ipv6.conf.$scope.accept_dad=0" \
            "net.ipv6.conf.$scope.router_solicitations=0" \
            "net.ipv6.conf.$scope.accept_ra=0"
    done
    ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_no_metrics_save=1
done

ip link add "$C_ETH" netns "$NS_C" type veth peer name "$S_ETH" netns "$NS_S"
ip -n "$NS_C" link set dev "$C_ETH" address "$C_ETH_MAC"
ip -n "$NS_S" link set dev "$S_ETH" address "$S_ETH_MAC"
ip -n "$NS_C" addr add "$C4/$P4" dev "$C_ETH"
ip -n "$NS_C" addr add "$C6/$P6" dev "$C_ETH" nodad
for a in "$MX4" "$DNS4" "$BIG4"; do ip -n "$NS_S" addr add "$a/$P4" dev "$S_ETH"; done
for a in "$MX6" "$DNS6" "$BIG6"; do ip -n "$NS_S" addr add "$a/$P6" dev "$S_ETH" nodad; done
# No segmentation offload: the stack hands the veth one MSS-sized segment
# at a time, as a real NIC would put them on the wire (otherwise tcpdump sees
# 64 KB "super-segments" and a small MSS shows nowhere).
ip -n "$NS_C" link set dev "$C_ETH" gso_max_segs 1 up
ip -n "$NS_S" link set dev "$S_ETH" gso_max_segs 1 up
for a in "$MX4" "$DNS4" "$BIG4" "$MX6" "$DNS6" "$BIG6"; do
    ip -n "$NS_C" neigh replace "$a" lladdr "$S_ETH_MAC" dev "$C_ETH" nud permanent
done
for a in "$C4" "$C6"; do
    ip -n "$NS_S" neigh replace "$a" lladdr "$C_ETH_MAC" dev "$S_ETH" nud permanent
done

# small_mss on|off SERVER4 SERVER6: host routes announcing an MSS of
# $SMALL_MSS on both ends of the client <-> SERVER connections.
small_mss() {
    local op=add s4=$2 s6=$3
    [ "$1" = on ] || op=del
    ip -n "$NS_C" route "$op" "$s4/32" dev "$C_ETH" advmss "$SMALL_MSS"
    ip -n "$NS_C" -6 route "$op" "$s6/128" dev "$C_ETH" advmss "$SMALL_MSS"
    ip -n "$NS_S" route "$op" "$C4/32" dev "$S_ETH" advmss "$SMALL_MSS"
    ip -n "$NS_S" -6 route "$op" "$C6/128" dev "$S_ETH" advmss "$SMALL_MSS"
}
# small_mtu on|off: host routes on the server towards the client with an
# MTU of 576 (IPv4) and 1280 (IPv6), so large UDP answers get fragmented.
small_mtu() {
    local op=add
    [ "$1" = on ] || op=del
    ip -n "$NS_S" route "$op" "$C4/32" dev "$S_ETH" mtu 576
    ip -n "$NS_S" -6 route "$op" "$C6/128" dev "$S_ETH" mtu 1280
}

# ------------------------------------------------------------ test input
# Message files for swaks ("--data @FILE"); swaks turns the line endings
# into CRLF and dot-stuffs lines that start with ".".
cat >"$WORK/msg-basic.txt" <<'EOF'
From: Alice <alice@example.org>
To: John <john@army.ml>, Jane <jane@army.mil>
Subject: typosentry test: SMTP commands inside the body
Message-Id: <smtp-basic@example.org>

This body is message content, not SMTP commands:
RCPT TO:<trap@gmial.com>
.hidden line (starts with a dot, so it is sent as "..hidden line")
MAIL FROM:<trap@gmial.com>
Bye.
EOF
cat >"$WORK/msg-plain.txt" <<'EOF'
From: Alice <alice@example.org>
To: <undisclosed-recipients:;>
Subject: typosentry test

Short test message.
EOF
# smtp-source -F: header and body as sent (it adds CRLF and dot-stuffing).
cat >"$WORK/msg-source.txt" <<'EOF'
From: <sender@example.org>
To: <someone@gmai.com>
Subject: typosentry test (smtp-source)

Short test message.
EOF

# --------------------------------------------------------------- servers
SINK_PID=
# sink_start ADDR PORT: smtp-sink in the server namespace.
sink_start() {
    local addr=$1 port=$2 fam=-4 spec
    spec="$addr:$port"
    case $addr in *:*) fam=-6; spec="[$addr]:$port" ;; esac
    ip netns exec "$NS_S" smtp-sink "$fam" -u nobody "$spec" 10 >"$WORK/sink-$port.log" 2>&1 9>&- &
    SINK_PID=$!
    BG_PIDS+=("$SINK_PID")
    wait_listen t "$addr" "$port" "smtp-sink" "$SINK_PID" "$WORK/sink-$port.log"
}
sink_stop() { stop_pid "$SINK_PID"; SINK_PID=; }

# A private Postfix instance: own main.cf/master.cf, queue and data
# directories under $PFX, smtpd on $MX4:25 with STARTTLS (self-signed
# certificate made now) and CHUNKING, every message delivered to discard(8).
PFX=$WORK/postfix
MASTER_PID=
daemon_dir=
postfix_setup() {
    local shlib_dir d
    mkdir -p "$PFX/etc"
    : >"$PFX/etc/main.cf"; : >"$PFX/etc/master.cf"
    daemon_dir=$(postconf -c "$PFX/etc" -dh daemon_directory)
    shlib_dir=$(postconf -c "$PFX/etc" -dh shlib_directory)
    if [ ! -x "$daemon_dir/master" ] || [ ! -x "$daemon_dir/smtpd" ]; then
        die "Postfix daemons not found in $daemon_dir"
    fi
    if ! getent passwd postfix >/dev/null || ! getent group postdrop >/dev/null; then
        die "user postfix / group postdrop missing (install postfix)"
    fi
    # The postfix user must be able to reach the queue directory.
    chmod 0711 "$WORK"
    mkdir -p "$PFX/etc" "$PFX/data" "$PFX/spool"
    chmod 0755 "$PFX" "$PFX/etc"
    chown postfix "$PFX/data"
    for d in active bounce corrupt defer deferred flush hold incoming \
             private saved trace; do
        mkdir -p "$PFX/spool/$d"; chown postfix "$PFX/spool/$d"; chmod 0700 "$PFX/spool/$d"
    done
    mkdir -p "$PFX/spool/public" "$PFX/spool/maildrop" "$PFX/spool/pid"
    chown postfix:postdrop "$PFX/spool/public" "$PFX/spool/maildrop"
    chmod 0710 "$PFX/spool/public"; chmod 0730 "$PFX/spool/maildrop"
    chmod 0755 "$PFX/spool/pid"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$PFX/etc/key.pem" -out "$PFX/etc/cert.pem" -days 2 \
        -subj "/CN=mx.example.net" >"$WORK/openssl.log" 2>&1 ||
        { cat "$WORK/openssl.log" >&2; die "openssl req failed"; }
    chmod 0600 "$PFX/etc/key.pem"
    cat >"$PFX/etc/main.cf" <<EOF
# Private test instance of record-smtp-pcaps.sh; nothing is delivered.
compatibility_level = 3.6
queue_directory = $PFX/spool
data_directory = $PFX/data
daemon_directory = $daemon_dir
shlib_directory = $shlib_dir
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $PFX
maillog_file = $PFX/maillog
myhostname = mx.example.net
mydomain = example.net
myorigin = \$myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = $MX4
inet_protocols = ipv4
mynetworks = 192.0.2.0/24
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions =
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_banner = \$myhostname ESMTP
default_transport = discard:test sink
relay_transport = discard:test sink
local_transport = discard:test sink
virtual_transport = discard:test sink
smtp_dns_support_level = disabled
biff = no
smtpd_tls_security_level = may
smtpd_tls_chain_files = $PFX/etc/key.pem, $PFX/etc/cert.pem
smtpd_tls_loglevel = 1
EOF
    cat >"$PFX/etc/master.cf" <<EOF
$MX4:25   inet  n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}
postfix_start() {
    # -d: stay in the foreground (its PID is ours to stop); -e: exit by
    # itself after 10 minutes should this script be killed.  setsid (no
    # fork: a background job is not a group leader) makes master the leader
    # of its own process group, which it needs to stop its children.
    ip netns exec "$NS_S" setsid "$daemon_dir/master" -c "$PFX/etc" -d -e 600 >"$WORK/master.log" 2>&1 9>&- &
    MASTER_PID=$!
    BG_PIDS+=("$MASTER_PID")
    wait_listen t "$MX4" 25 "postfix master" "$MASTER_PID" "$WORK/master.log"
}
postfix_stop() {
    local i left
    # master(8) stops its child processes when it gets SIGTERM.
    stop_pid "$MASTER_PID"; MASTER_PID=
    # Nothing else runs in the server namespace now; wait (max 5 s) for the
    # Postfix daemons to go.
    for ((i = 0; i < 50; i++)); do
        left=$(ip netns pids "$NS_S" 2>/dev/null)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    die "Postfix processes left after stopping master: $left"
}

# dnsmasq: one instance with ordinary records (like record-pcaps.sh) and
# one whose army.ml and gmial.com have very many MX records.
DNSMASQ_COMMON=(
    --keep-in-foreground --conf-file=/dev/null --pid-file=
    --no-resolv --no-hosts --no-poll --bind-interfaces
    --user=nobody --group=nogroup --log-facility=- --log-queries
    --local=/army.mil/army.ml/gmail.com/gmial.com/gmai.com/example.org/
)
# shellcheck disable=SC2054  # the commas belong to dnsmasq options
DNSMASQ_SMALL=(
    "${DNSMASQ_COMMON[@]}" "--listen-address=$DNS4" "--listen-address=$DNS6"
    --mx-host=army.mil,mail.army.mil,10
    --mx-host=army.ml,mail.army.ml,10
    --mx-host=gmail.com,gmail-smtp-in.l.google.com,5
    --mx-host=gmial.com,mx.gmial.com,10
)
# Long target names (dnsmasq does not compress them): 48 bytes per army.ml
# record.
# shellcheck disable=SC2054
DNSMASQ_BIG=(
    "${DNSMASQ_COMMON[@]}" "--listen-address=$BIG4" "--listen-address=$BIG6"
    --edns-packet-max=4096
    --mx-host=army.mil,mail.army.mil,10
    --mx-host=gmail.com,gmail-smtp-in.l.google.com,5
)
for ((i = 1; i <= BIG_MX_ARMY; i++)); do
    DNSMASQ_BIG+=("$(printf -- '--mx-host=army.ml,mail-exchanger-number-%02d.army.ml,%d' "$i" "$i")")
done
for ((i = 1; i <= BIG_MX_GMIAL; i++)); do
    DNSMASQ_BIG+=("$(printf -- '--mx-host=gmial.com,mail-exchanger-number-%02d.gmial.com,%d' "$i" "$i")")
done

# dnsmasq_start NAME ADDR4 ADDR6 ARGS...
DNSMASQ_PIDS=()
dnsmasq_start() {
    local name=$1 a4=$2 a6=$3 pid; shift 3
    ip netns exec "$NS_S" dnsmasq "$@" >"$WORK/$name.log" 2>&1 9>&- &
    pid=$!
    BG_PIDS+=("$pid"); DNSMASQ_PIDS+=("$pid")
    wait_listen u "$a4" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
    wait_listen u "$a6" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
    wait_listen t "$a4" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
    wait_listen t "$a6" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
}

# ------------------------------------------------------------- capturing
CAP_PID=
CAP_NAME=
# cap_start NAME: tcpdump on the client veth into $WORK/NAME, wait for it.
# In immediate mode libpcap uses a ring of fixed-size slots, one snapshot
# length each: a 2048-byte snapshot (no frame here is longer than 1514
# bytes, segmentation offload being off) and an 8 MB buffer give some 4000
# slots, so bursts of tiny segments are not dropped.
cap_start() {
    CAP_NAME=$1
    ip netns exec "$NS_C" tcpdump -i "$C_ETH" -U -s 2048 -B 8192 -n -Z root \
        --immediate-mode -w "$WORK/$CAP_NAME" >"$WORK/$CAP_NAME.log" 2>&1 9>&- &
    CAP_PID=$!
    BG_PIDS+=("$CAP_PID")
    wait_for_text "$WORK/$CAP_NAME.log" "listening on" "tcpdump ($CAP_NAME)" "$CAP_PID"
}
# cap_stop: stop the capture once the last packets are in; fail if the
# kernel dropped any.
cap_stop() {
    sleep 1
    stop_pid "$CAP_PID"; CAP_PID=
    grep -q '^0 packets dropped by kernel' "$WORK/$CAP_NAME.log" ||
        { cat "$WORK/$CAP_NAME.log" >&2; die "tcpdump ($CAP_NAME) lost packets"; }
}

# swaks_run LOGNAME ARGS...: swaks from the client namespace.
SWAKS_COMMON=(--ehlo "$EHLO_NAME" --from alice@example.org --timeout 10)
swaks_run() {
    local name=$1; shift
    if ! nsc swaks "$@" >"$WORK/$name.log" 2>&1 9>&-; then
        cat "$WORK/$name.log" >&2
        die "swaks ($name) failed"
    fi
    printf '   swaks %s\n' "${*//$WORK\//}"
}
# smtp_script SESSION HOST PORT: the helper's scripted SMTP client.
smtp_script() {
    if ! nsc "$PY" "$HELPER" smtp "$@" >"$WORK/smtp-$1.log" 2>&1 9>&-; then
        cat "$WORK/smtp-$1.log" >&2
        die "scripted SMTP session '$1' failed"
    fi
    printf '   scripted client: session %s -> %s port %s\n' "$@"
}
# dig_run ARGS...: dig from the client namespace; every answer must be
# NOERROR.
dig_run() {
    local out n_ok n_hdr
    out=$(nsc dig +tries=1 +time=3 "$@" 2>&1) || true
    n_hdr=$(printf '%s\n' "$out" | grep -c -- '->>HEADER<<-' || true)
    n_ok=$(printf '%s\n' "$out" | grep -c -- '->>HEADER<<-.*status: NOERROR' || true)
    printf '   dig %s: %s answer(s)\n' "$*" "$n_ok"
    if [ "$n_hdr" -lt 1 ] || [ "$n_ok" != "$n_hdr" ]; then
        printf '%s\n' "$out" >&2; die "dig $*: expected NOERROR"
    fi
}

# Let the link go quiet (MLD reports sent when the addresses were added).
sleep 2

# ---------------------------------------------------------------- SMTP
log "== smtp-basic.pcap (swaks -> smtp-sink, $MX4 port 25)"
sink_start "$MX4" 25
cap_start smtp-basic.pcap
swaks_run basic --server "$MX4" --port 25 "${SWAKS_COMMON[@]}" \
    --to john@army.ml,jane@army.mil --data "@$WORK/msg-basic.txt"
cap_stop

log "== smtp-pipelining.pcap (swaks --pipeline, smtp-source -d -m 2 -> smtp-sink)"
cap_start smtp-pipelining.pcap
swaks_run pipelining --server "$MX4" --port 25 "${SWAKS_COMMON[@]}" --pipeline \
    --to john@army.ml,jane@army.mil,bob@gmial.com --data "@$WORK/msg-plain.txt"
if ! nsc smtp-source -4 -d -m 2 -r 1 -M "$EHLO_NAME" -f sender@example.org \
        -t someone@gmai.com -F "$WORK/msg-source.txt" "$MX4:25" \
        >"$WORK/smtp-source.log" 2>&1 9>&-; then
    cat "$WORK/smtp-source.log" >&2; die "smtp-source failed"
fi
log "   smtp-source -d -m 2 -r 1 -f sender@example.org -t someone@gmai.com $MX4:25"
cap_stop

log "== smtp-small-mtu.pcap (swaks --pipeline, MSS $SMALL_MSS)"
small_mss on "$MX4" "$MX6"
cap_start smtp-small-mtu.pcap
swaks_run small-mtu --server "$MX4" --port 25 --ehlo "$LONG_EHLO" \
    --from alice@example.org --timeout 10 --pipeline \
    --to john@army.ml,jane@army.mil,bob@gmial.com --data "@$WORK/msg-plain.txt"
cap_stop
small_mss off "$MX4" "$MX6"
sink_stop

log "== smtp-commands.pcap (scripted client -> smtp-sink, [$MX6] port 25)"
sink_start "$MX6" 25
cap_start smtp-commands.pcap
smtp_script commands "$MX6" 25
cap_stop
sink_stop

log "== smtp-submission-587.pcap (swaks -> smtp-sink, port 587)"
sink_start "$MX4" 587
cap_start smtp-submission-587.pcap
swaks_run submission --server "$MX4" --port 587 "${SWAKS_COMMON[@]}" \
    --to mary@gmial.com --data "@$WORK/msg-plain.txt"
cap_stop
sink_stop

log "== smtp-port-2626.pcap (swaks -> smtp-sink, port 2626)"
sink_start "$MX4" 2626
cap_start smtp-port-2626.pcap
swaks_run port-2626 --server "$MX4" --port 2626 "${SWAKS_COMMON[@]}" \
    --to ops@army.ml --data "@$WORK/msg-plain.txt"
cap_stop
sink_stop

log "== starting a private Postfix (smtpd with STARTTLS and CHUNKING) on $MX4:25"
postfix_setup
postfix_start

log "== smtp-starttls.pcap (swaks --tls -> Postfix smtpd)"
cap_start smtp-starttls.pcap
swaks_run starttls --server "$MX4" --port 25 "${SWAKS_COMMON[@]}" --tls \
    --to john@army.ml --data "@$WORK/msg-plain.txt"
cap_stop
grep -q 'STARTTLS' "$WORK/starttls.log" || die "swaks did not use STARTTLS"

log "== smtp-bdat.pcap (scripted client, BDAT -> Postfix smtpd)"
cap_start smtp-bdat.pcap
smtp_script bdat "$MX4" 25
cap_stop
postfix_stop

# ----------------------------------------------------------------- DNS
log "== starting dnsmasq in $NS_S"
dnsmasq_start dnsmasq-small "$DNS4" "$DNS6" "${DNSMASQ_SMALL[@]}"
dnsmasq_start dnsmasq-big "$BIG4" "$BIG6" "${DNSMASQ_BIG[@]}"

DNS_TCP_NAMES=(army.ml army.mil gmial.com gmail.com)
log "== dns-tcp.pcap (dig +tcp)"
cap_start dns-tcp.pcap
for s in "$DNS4" "$DNS6"; do
    for n in "${DNS_TCP_NAMES[@]}"; do dig_run +tcp @"$s" MX "$n"; done
done
for s in "$DNS4" "$DNS6"; do
    dig_run +tcp +keepopen @"$s" MX army.ml MX gmial.com
done
cap_stop

log "== dns-tcp-small-mtu.pcap (dig +tcp, MSS $SMALL_MSS, large answers)"
small_mss on "$BIG4" "$BIG6"
cap_start dns-tcp-small-mtu.pcap
for s in "$BIG4" "$BIG6"; do
    for n in "${DNS_TCP_NAMES[@]}"; do dig_run +tcp @"$s" MX "$n"; done
done
cap_stop
small_mss off "$BIG4" "$BIG6"

log "== dns-fragments.pcap (dig over UDP, route MTU 576 / 1280 on the server)"
small_mtu on
cap_start dns-fragments.pcap
for s in "$BIG4" "$BIG6"; do
    for n in army.ml gmial.com army.mil; do
        dig_run +bufsize=4096 +ignore @"$s" MX "$n"
    done
done
cap_stop
small_mtu off

for pid in "${DNSMASQ_PIDS[@]}"; do stop_pid "$pid"; done
DNSMASQ_PIDS=()

# ------------------------------------------------------------- derived
log "== derived captures (from smtp-basic.pcap)"
for kind in reorder retransmit midstream; do
    case $kind in
        reorder)    f=smtp-reordered.pcap ;;
        retransmit) f=smtp-retransmit.pcap ;;
        midstream)  f=smtp-midstream.pcap ;;
    esac
    "$PY" "$HELPER" derive "$kind" "$WORK/smtp-basic.pcap" "$WORK/$f" 25
done

# ------------------------------------------------------------- verifying
SMTP_FILES=(smtp-basic.pcap smtp-pipelining.pcap smtp-commands.pcap
            smtp-starttls.pcap smtp-submission-587.pcap smtp-port-2626.pcap
            smtp-small-mtu.pcap smtp-bdat.pcap
            smtp-reordered.pcap smtp-retransmit.pcap smtp-midstream.pcap)
DNS_FILES=(dns-tcp.pcap dns-tcp-small-mtu.pcap dns-fragments.pcap)
ALL_FILES=("${SMTP_FILES[@]}" "${DNS_FILES[@]}")

log "== verifying"
fails=0
bad() { printf '   FAIL %s\n' "$*" >&2; fails=$((fails + 1)); }

# Port decode-as options: 587 and 2626 as SMTP.
TS_SMTP=(-d "tcp.port==587,smtp" -d "tcp.port==2626,smtp")
ts() { tshark -n "${TS_SMTP[@]}" "$@" 2>/dev/null; }

# rcpts FILE: "frame<TAB>parameter" of every RCPT tshark sees as a command.
rcpts() {
    ts -r "$1" -Y 'smtp.req.command == "RCPT"' -T fields \
        -e frame.number -e smtp.req.parameter
}
# mxq FILE: "frame<TAB>name<TAB>response" of every MX question.
mxq() {
    ts -r "$1" -Y 'dns.qry.type == 15' -T fields -E occurrence=f \
        -e frame.number -e dns.qry.name -e dns.flags.response
}
# stream FILE N [tshark options]: client->server bytes of TCP stream N
# (reassembled by tshark, out-of-order segments included), as text.
stream() {
    local f=$1 n=$2; shift 2
    ts -r "$f" -o tcp.reassemble_out_of_order:TRUE "$@" -q -z "follow,tcp,raw,$n" |
        "$PY" -c '
import sys
out = []
for l in sys.stdin.read().split("\n"):
    # Header lines, separators, and server->client data (tab-indented).
    if not l.strip() or l.startswith(("=", "Follow:", "Filter:", "Node ", "\t")):
        continue
    out.append(bytes.fromhex(l.strip()))
sys.stdout.write(b"".join(out).decode("latin-1"))'
}
# has_line FILE N LINE...: the client stream N holds each LINE + CRLF.
has_lines() {
    local f=$1 n=$2 text l; shift 2
    text=$(stream "$f" "$n" | cat -A)
    for l in "$@"; do
        grep -qxF -- "$l^M\$" <<<"$text" ||
            bad "$f: stream $n has no line '$l'"
    done
}
# rcpt_is FILE EXPECTED: the RCPT parameters tshark finds, space-separated.
rcpt_is() {
    local got
    got=$(rcpts "$1" | cut -f2 | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$2" ] || bad "$1: RCPT commands seen by tshark: '$got', expected '$2'"
}
count() { ts -r "$1" -Y "$2" | wc -l; }

for f in "${ALL_FILES[@]}"; do
    [ -s "$WORK/$f" ] || { bad "$f: missing or empty"; continue; }
    [ "$("$PY" "$HELPER" linktype "$WORK/$f")" = 1 ] || bad "$f: link type is not Ethernet (1)"
done

# The recorded captures (not the derived ones) must be clean: no lost,
# reordered or retransmitted segments.
for f in "${ALL_FILES[@]}"; do
    case $f in smtp-reordered.pcap|smtp-retransmit.pcap|smtp-midstream.pcap) continue ;; esac
    n=$(count "$WORK/$f" 'tcp.analysis.lost_segment || tcp.analysis.out_of_order || tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.ack_lost_segment')
    [ "$n" = 0 ] || bad "$f: $n lost, reordered or retransmitted TCP segments"
done

# 1. basic: two RCPT commands; the RCPT/MAIL lines of the body are data.
f=$WORK/smtp-basic.pcap
rcpt_is "$f" "TO:<john@army.ml> TO:<jane@army.mil>"
has_lines "$f" 0 "EHLO $EHLO_NAME" "MAIL FROM:<alice@example.org>" \
    "RCPT TO:<john@army.ml>" "RCPT TO:<jane@army.mil>" "DATA" \
    "RCPT TO:<trap@gmial.com>" "..hidden line (starts with a dot, so it is sent as \"..hidden line\")" \
    "." "QUIT"
[ "$(count "$f" 'smtp.req.command == "MAIL"')" = 1 ] || bad "smtp-basic.pcap: body line taken as MAIL command"
[ "$(count "$f" 'smtp.data.fragment || imf')" -ge 1 ] || bad "smtp-basic.pcap: no DATA content"

# 2. pipelining: MAIL FROM + the three RCPT TO (+ DATA) in one segment;
# smtp-source: two transactions and RSET on one connection.
f=$WORK/smtp-pipelining.pcap
"$PY" "$HELPER" segments "$f" 25 >"$WORK/segs-pipe"
grep -qF 'MAIL FROM:<alice@example.org>\r\nRCPT TO:<john@army.ml>\r\nRCPT TO:<jane@army.mil>\r\nRCPT TO:<bob@gmial.com>\r\n' \
    "$WORK/segs-pipe" || bad "smtp-pipelining.pcap: MAIL + RCPTs are not in one segment"
has_lines "$f" 0 "RCPT TO:<john@army.ml>" "RCPT TO:<jane@army.mil>" "RCPT TO:<bob@gmial.com>"
n=$(stream "$f" 1 | grep -c '^RCPT TO:<someone@gmai.com>' || true)
[ "$n" = 2 ] || bad "smtp-pipelining.pcap: smtp-source connection has $n RCPT TO:<someone@gmai.com>, expected 2"
n=$(stream "$f" 1 | grep -c '^MAIL FROM:<sender@example.org>' || true)
[ "$n" = 2 ] || bad "smtp-pipelining.pcap: smtp-source connection has $n MAIL FROM, expected 2"
n=$(ts -r "$f" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' | wc -l)
[ "$n" = 2 ] || bad "smtp-pipelining.pcap: $n connections, expected 2"

# 3. commands (IPv6)
f=$WORK/smtp-commands.pcap
has_lines "$f" 0 "EHLO $EHLO_NAME" "RCPT TO:<a@gmial.com>" "RSET" \
    'RCPT TO:<"john doe"@army.ml>' "RCPT TO:<@a.mil:user@army.ml>" \
    "RCPT TO:<USER@ARMY.ML.> NOTIFY=NEVER" "RCPT TO:user@[192.0.2.1]" \
    "RCPT TO:<x@example.org> SIZE=100" "DATA" "." "NOOP" "QUIT"
[ "$(count "$f" 'ipv6 && smtp')" -ge 1 ] || bad "smtp-commands.pcap: no SMTP over IPv6"

# 4. STARTTLS: the RCPT is encrypted.
f=$WORK/smtp-starttls.pcap
has_lines "$f" 0 "EHLO $EHLO_NAME" "STARTTLS"
[ "$(count "$f" 'tls.handshake.type == 1')" -ge 1 ] || bad "smtp-starttls.pcap: no TLS ClientHello"
[ "$(count "$f" 'tls.app_data')" -ge 1 ] || bad "smtp-starttls.pcap: no TLS application data"
rcpt_is "$f" ""
grep -qa 'army\.ml' "$f" && bad "smtp-starttls.pcap: 'army.ml' visible in clear text"

# 5./6. other ports
rcpt_is "$WORK/smtp-submission-587.pcap" "TO:<mary@gmial.com>"
has_lines "$WORK/smtp-submission-587.pcap" 0 "RCPT TO:<mary@gmial.com>"
[ "$(count "$WORK/smtp-submission-587.pcap" 'tcp.dstport == 587')" -ge 1 ] || bad "smtp-submission-587.pcap: not port 587"
rcpt_is "$WORK/smtp-port-2626.pcap" "TO:<ops@army.ml>"
has_lines "$WORK/smtp-port-2626.pcap" 0 "RCPT TO:<ops@army.ml>"
[ "$(count "$WORK/smtp-port-2626.pcap" 'tcp.dstport == 2626')" -ge 1 ] || bad "smtp-port-2626.pcap: not port 2626"

# 7. small MSS: segments of at most 36 bytes, some ending mid-line, and
# the commands intact in the reassembled stream.
f=$WORK/smtp-small-mtu.pcap
"$PY" "$HELPER" segments "$f" 25 >"$WORK/segs-small"
max=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$WORK/segs-small")
[ "$max" -le "$SMALL_MSS" ] || bad "smtp-small-mtu.pcap: client segment of $max bytes"
n=$(awk '$3 == 0' "$WORK/segs-small" | wc -l)
[ "$n" -ge 3 ] || bad "smtp-small-mtu.pcap: only $n client segments end without CRLF"
grep -Eq '^[0-9]+ [0-9]+ 0 .*RCPT TO:<[^\\]*$' "$WORK/segs-small" ||
    bad "smtp-small-mtu.pcap: no RCPT TO split across segments"
has_lines "$f" 0 "EHLO $LONG_EHLO" "RCPT TO:<john@army.ml>" "RCPT TO:<jane@army.mil>" "RCPT TO:<bob@gmial.com>"

# 8. BDAT: the chunks are data, the RCPT inside the first one is not a command.
f=$WORK/smtp-bdat.pcap
has_lines "$f" 0 "RCPT TO:<john@army.ml>" "BDAT 40" "RCPT TO:<trap@gmial.com>" \
    "BDAT 10 LAST" "the end." "RCPT TO:<second@gmial.com>" "DATA" "QUIT"
grep -q 'CHUNKING' "$WORK/smtp-bdat.log" || bad "smtp-bdat.pcap: server did not announce CHUNKING"
[ "$(grep -c '^<<< 250 2.0.0 Ok: .*queued as' "$WORK/smtp-bdat.log" || true)" = 2 ] ||
    bad "smtp-bdat.pcap: BDAT message or DATA message not accepted"

# Derived: the same client byte stream as smtp-basic.pcap once reassembled.
base=$(stream "$WORK/smtp-basic.pcap" 0 | md5sum)
for f in smtp-reordered.pcap smtp-retransmit.pcap; do
    [ "$(stream "$WORK/$f" 0 | md5sum)" = "$base" ] ||
        bad "$f: reassembled client stream differs from smtp-basic.pcap"
done
n=$(count "$WORK/smtp-reordered.pcap" 'tcp.analysis.out_of_order || tcp.analysis.retransmission')
[ "$n" -ge 2 ] || bad "smtp-reordered.pcap: tshark sees $n out-of-order segments"
n=$(count "$WORK/smtp-retransmit.pcap" 'tcp.analysis.retransmission || tcp.analysis.spurious_retransmission')
[ "$n" -ge 2 ] || bad "smtp-retransmit.pcap: tshark sees $n retransmissions"
f=$WORK/smtp-midstream.pcap
[ "$(count "$f" 'tcp.flags.syn == 1')" = 0 ] || bad "smtp-midstream.pcap: has a SYN"
[ "$(count "$f" 'smtp.req.command == "EHLO"')" = 0 ] || bad "smtp-midstream.pcap: has EHLO"
has_lines "$f" 0 "MAIL FROM:<alice@example.org>" "RCPT TO:<john@army.ml>" "RCPT TO:<jane@army.mil>"

# DNS over TCP / fragments: every MX question, query and response.
# mx_pairs FILE: "name response" lines, sorted.
mx_pairs() { mxq "$1" | cut -f2,3 | sort | uniq -c | awk '{ print $1, $2, $3 }'; }
# expect_mx FILE COUNT NAME...: each NAME has COUNT queries and COUNT answers.
expect_mx() {
    local f=$1 c=$2 n got; shift 2
    got=$(mx_pairs "$f")
    for n in "$@"; do
        grep -qxF "$c $n 0" <<<"$got" || bad "${f##*/}: not $c MX queries for $n"
        grep -qxF "$c $n 1" <<<"$got" || bad "${f##*/}: not $c MX answers for $n"
    done
}
f=$WORK/dns-tcp.pcap
expect_mx "$f" 2 army.mil gmail.com
expect_mx "$f" 4 army.ml gmial.com
[ "$(count "$f" 'udp')" = 0 ] || bad "dns-tcp.pcap: has UDP packets"
n=$(ts -r "$f" -Y 'dns.qry.type == 15 && dns.flags.response == 0' -T fields -e tcp.stream |
    sort | uniq -c | awk '$1 == 2' | wc -l)
[ "$n" = 2 ] || bad "dns-tcp.pcap: $n TCP connections with two queries (+keepopen), expected 2"

f=$WORK/dns-tcp-small-mtu.pcap
expect_mx "$f" 2 army.ml army.mil gmial.com gmail.com
n=$(ts -r "$f" -Y 'dns.qry.name == "army.ml" && dns.flags.response == 1' -T fields \
        -e dns.count.answers | sort -u)
[ "$n" = "$BIG_MX_ARMY" ] || bad "dns-tcp-small-mtu.pcap: army.ml answers carry '$n' MX records"
n=$(ts -r "$f" -Y 'dns.qry.name == "army.ml" && dns.flags.response == 1 && tcp.segment.count > 50' | wc -l)
[ "$n" = 2 ] || bad "dns-tcp-small-mtu.pcap: army.ml answers not split into > 50 segments"
[ "$(count "$f" 'tcp.len > 36')" = 0 ] || bad "dns-tcp-small-mtu.pcap: segment longer than 36 bytes"

f=$WORK/dns-fragments.pcap
expect_mx "$f" 2 army.ml gmial.com army.mil
[ "$(count "$f" 'ip.flags.mf == 1')" -ge 4 ] || bad "dns-fragments.pcap: no IPv4 fragments"
[ "$(count "$f" 'ipv6.fragment')" -ge 2 ] || bad "dns-fragments.pcap: no IPv6 fragments"
n=$(count "$f" 'ip.fragment.count > 1 && dns.qry.name == "army.ml" && dns.count.answers == '"$BIG_MX_ARMY")
[ "$n" = 1 ] || bad "dns-fragments.pcap: IPv4 army.ml answer not reassembled"
n=$(count "$f" 'ipv6.fragment.count > 1 && dns.qry.name == "army.ml" && dns.count.answers == '"$BIG_MX_ARMY")
[ "$n" = 1 ] || bad "dns-fragments.pcap: IPv6 army.ml answer not reassembled"
n=$(count "$f" 'frame.len > 1294')
[ "$n" = 0 ] || bad "dns-fragments.pcap: $n frames larger than the route MTU"

# Sizes
for f in "${ALL_FILES[@]}"; do
    s=$(stat -c %s "$WORK/$f")
    [ "$s" -lt 102400 ] || log "   note: $f is $s bytes (> 100 KB)"
done

[ "$fails" -eq 0 ] || die "$fails check(s) failed; nothing written to pcaps/"

# Move the new captures into place only now that all were recorded and
# verified.
mkdir -p "$OUT"
for f in "${ALL_FILES[@]}"; do
    chmod 0644 "$WORK/$f"
    mv -f "$WORK/$f" "$OUT/$f"
done

# ------------------------------------------------------------ README.md
npk() { capinfos -T -r -c "$OUT/$1" 2>/dev/null | cut -f2; }
SECTION=$WORK/readme-section.md
cat >"$SECTION" <<EOF
<!-- BEGIN record-smtp-pcaps.sh (generated; edit the script, not this part) -->
## SMTP, DNS over TCP and IP fragment captures

Recorded by \`sudo scripts/record-smtp-pcaps.sh\`, which replaces only this
part of the file (between the BEGIN/END marker lines; it appends it when the
markers are missing, e.g. after \`scripts/record-pcaps.sh\` rewrote the
file, so run it after that script).  Real clients and servers in two network
namespaces joined by a veth pair, captured with tcpdump on the client veth
(Ethernet, link type 1): Postfix smtp-sink (accepts and discards mail;
announces PIPELINING, no STARTTLS, no CHUNKING), a private Postfix smtpd
instance (STARTTLS with a self-signed certificate made at run time, CHUNKING;
delivers to discard), swaks, Postfix smtp-source, dig and dnsmasq.  Commands
no packaged client sends (RSET, NOOP, unusual RCPT syntax, BDAT) come from a
small scripted client in the script (python3 sockets) that sends fixed
commands and waits for each reply.  Client $C4 / $C6, SMTP server $MX4 /
$MX6, DNS servers $DNS4 / $DNS6 (ordinary records) and $BIG4 / $BIG6
(army.ml with $BIG_MX_ARMY MX records, gmial.com with $BIG_MX_GMIAL: 3.5 KB and 2 KB
answers).  Segmentation offload is off on the veth, so the captures hold
wire-sized segments; snapshot length 2048.  Same commands in the same order
on every run; timestamps, ports, sequence numbers, DNS ids and TLS bytes
differ, and TCP packet counts can differ by an ACK or two.

Recipients are listed exactly as sent in \`RCPT TO:\`.  **Alert** = a typo of
a protected domain the sensor must report (army.ml, gmial.com, gmai.com);
**no alert** = protected/legitimate domains (army.mil, example.org), the
address literal, and any "RCPT TO:" text that is not an SMTP command:
inside a DATA body, inside a BDAT chunk, or after STARTTLS (encrypted).

| File | Link type | Packets | How it was made | RCPT TO (as sent) | Alert | No alert |
|------|-----------|---------|-----------------|-------------------|-------|----------|
| smtp-basic.pcap | Ethernet (1) | $(npk smtp-basic.pcap) | swaks -> smtp-sink $MX4:25, one session: EHLO, MAIL FROM:<alice@example.org>, 2 RCPT, DATA, QUIT. The body holds the lines \`RCPT TO:<trap@gmial.com>\` and \`MAIL FROM:<trap@gmial.com>\` and a line starting with a dot, sent dot-stuffed as \`..hidden line ...\` | \`<john@army.ml>\`, \`<jane@army.mil>\` | john@army.ml | jane@army.mil; trap@gmial.com (DATA body) |
| smtp-pipelining.pcap | Ethernet (1) | $(npk smtp-pipelining.pcap) | connection 1: \`swaks --pipeline\` -> smtp-sink: MAIL FROM, the 3 RCPT TO and DATA in ONE TCP segment. Connection 2: \`smtp-source -d -m 2 -r 1 -f sender@example.org -t someone@gmai.com\` (HELO, two messages on one connection, QUIT; not pipelined; it sends no RSET, see smtp-commands.pcap for one) | \`<john@army.ml>\`, \`<jane@army.mil>\`, \`<bob@gmial.com>\`; \`<someone@gmai.com>\` twice | john@army.ml, bob@gmial.com, someone@gmai.com (x2) | jane@army.mil |
| smtp-commands.pcap | Ethernet (1), IPv6 | $(npk smtp-commands.pcap) | scripted client -> smtp-sink [$MX6]:25, one command per write: EHLO, MAIL, RCPT, RSET, MAIL, 6 RCPT, DATA, body, ".", NOOP, QUIT | \`<a@gmial.com>\` (then RSET); \`<"john doe"@army.ml>\`, \`<@a.mil:user@army.ml>\` (source route), \`<USER@ARMY.ML.> NOTIFY=NEVER\`, \`user@[192.0.2.1]\` (no angle brackets, address literal), \`<x@example.org> SIZE=100\` | a@gmial.com, "john doe"@army.ml, user@army.ml (source route @a.mil ignored), USER@ARMY.ML. (upper case, trailing dot) | user@[192.0.2.1], x@example.org |
| smtp-starttls.pcap | Ethernet (1) | $(npk smtp-starttls.pcap) | \`swaks --tls\` -> private Postfix smtpd $MX4:25: EHLO, STARTTLS, TLS handshake, then everything (EHLO, MAIL, RCPT, DATA, QUIT) encrypted | \`<john@army.ml>\` (inside TLS) | none | john@army.ml (encrypted, not visible) |
| smtp-submission-587.pcap | Ethernet (1) | $(npk smtp-submission-587.pcap) | swaks -> smtp-sink $MX4:587 | \`<mary@gmial.com>\` | mary@gmial.com | |
| smtp-port-2626.pcap | Ethernet (1) | $(npk smtp-port-2626.pcap) | swaks -> smtp-sink $MX4:2626 (not an SMTP port: SMTP must be recognised from the 220 greeting / EHLO) | \`<ops@army.ml>\` | ops@army.ml | |
| smtp-small-mtu.pcap | Ethernet (1) | $(npk smtp-small-mtu.pcap) | \`swaks --pipeline\` -> smtp-sink $MX4:25 with host routes \`advmss $SMALL_MSS\` on both ends: every segment carries at most 36 bytes, the EHLO ($LONG_EHLO), the pipelined MAIL/RCPT block and the replies are split in the middle of lines | \`<john@army.ml>\`, \`<jane@army.mil>\`, \`<bob@gmial.com>\` | john@army.ml, bob@gmial.com | jane@army.mil |
| smtp-bdat.pcap | Ethernet (1) | $(npk smtp-bdat.pcap) | scripted client -> private Postfix smtpd $MX4:25 (CHUNKING): EHLO, MAIL, RCPT, \`BDAT 40\` + 40 bytes (\`Subject: b\r\n\r\nRCPT TO:<trap@gmial.com>\r\n\`), \`BDAT 10 LAST\` + 10 bytes (\`the end.\r\n\`), then MAIL, RCPT, DATA, body, ".", QUIT; each BDAT command and its chunk in one write | \`<john@army.ml>\`, \`<second@gmial.com>\` | john@army.ml, second@gmial.com | trap@gmial.com (BDAT chunk) |
| smtp-reordered.pcap | Ethernet (1) | $(npk smtp-reordered.pcap) | derived from smtp-basic.pcap: the frames of two pairs of client segments that are adjacent in the client's byte stream swapped (MAIL FROM <-> RCPT TO:<john@army.ml>, DATA <-> message body); timestamps stay in place, so they still increase. The server's replies and ACKs stay where they were, so a segment now shows up after the reply to it: only the client byte stream is meant to be consistent | as smtp-basic.pcap | john@army.ml | jane@army.mil; trap@gmial.com (DATA body) |
| smtp-retransmit.pcap | Ethernet (1) | $(npk smtp-retransmit.pcap) | derived from smtp-basic.pcap: byte-identical copies of the RCPT TO:<john@army.ml> segment (right after it) and of the message body segment (after the server's reply), and one new segment (checksums recomputed) inserted before DATA that starts 10 bytes into \`RCPT TO:<jane@army.mil>\r\n\` and runs to the end of \`DATA\r\n\` (the same bytes as the originals); new timestamps half-way between their neighbours | as smtp-basic.pcap | john@army.ml (once) | jane@army.mil; trap@gmial.com (DATA body) |
| smtp-midstream.pcap | Ethernet (1) | $(npk smtp-midstream.pcap) | derived from smtp-basic.pcap: every frame before the client's MAIL FROM segment removed (no handshake, greeting or EHLO) | \`<john@army.ml>\`, \`<jane@army.mil>\` | john@army.ml | jane@army.mil; trap@gmial.com (DATA body) |

| File | Link type | Packets | How it was made | MX lookups |
|------|-----------|---------|-----------------|------------|
| dns-tcp.pcap | Ethernet (1) | $(npk dns-tcp.pcap) | dnsmasq $DNS4 / $DNS6 (one MX per name); \`dig +tcp MX\` army.ml, army.mil, gmial.com, gmail.com over IPv4 then the same over IPv6; then \`dig +tcp +keepopen MX army.ml MX gmial.com\` over IPv4 and over IPv6 (two queries on one TCP connection) | army.ml x4, gmial.com x4 (alert); army.mil x2, gmail.com x2 (no alert) |
| dns-tcp-small-mtu.pcap | Ethernet (1) | $(npk dns-tcp-small-mtu.pcap) | dnsmasq $BIG4 / $BIG6 (army.ml: $BIG_MX_ARMY MX, 3.5 KB answer; gmial.com: $BIG_MX_GMIAL MX, 2 KB); host routes \`advmss $SMALL_MSS\` on both ends, so every segment carries at most 36 bytes: an army.ml answer takes 98 segments, a gmial.com answer 57, each query 2; \`dig +tcp MX\` army.ml, army.mil, gmial.com, gmail.com over IPv4 then IPv6 | army.ml x2, gmial.com x2 (alert); army.mil x2, gmail.com x2 (no alert) |
| dns-fragments.pcap | Ethernet (1) | $(npk dns-fragments.pcap) | dnsmasq $BIG4 / $BIG6 (\`--edns-packet-max=4096\`); host routes on the server towards the client with \`mtu 576\` (IPv4) and \`mtu 1280\` (IPv6); \`dig +bufsize=4096 +ignore MX\` army.ml, gmial.com, army.mil over IPv4 then IPv6 over UDP: the army.ml and gmial.com answers are IP fragments (IPv4: 7 and 4 fragments; IPv6: 3 and 2, fragment header), the queries and the army.mil answers are not | army.ml x2, gmial.com x2 (alert; the answers only after reassembly); army.mil x2 (no alert) |
<!-- END record-smtp-pcaps.sh -->
EOF
"$PY" - "$OUT/README.md" "$SECTION" <<'PYEOF'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if os.path.exists(path) else ""
pat = re.compile(r"<!-- BEGIN record-smtp-pcaps\.sh.*?<!-- END record-smtp-pcaps\.sh -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda _m: section, text, count=1)
else:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
open(path, "w").write(text)
PYEOF

# ------------------------------------------------------------- summary
log "== summary"
for f in "${ALL_FILES[@]}"; do
    printf '%-26s link type %s, %s packets, %s bytes\n' "$f" \
        "$("$PY" "$HELPER" linktype "$OUT/$f")" "$(npk "$f")" "$(stat -c %s "$OUT/$f")"
    r=$(rcpts "$OUT/$f" | awk -F'\t' '{ printf "%s%s:%s", sep, $1, $2; sep = "  " }')
    [ -z "$r" ] || printf '    RCPT (tshark): %s\n' "$r"
    m=$(ts -r "$OUT/$f" -Y 'dns.qry.type == 15 && dns.flags.response == 0' -T fields \
            -E occurrence=f -e frame.number -e dns.qry.name |
        awk -F'\t' '{ printf "%s%s:%s", sep, $1, $2; sep = "  " }')
    [ -z "$m" ] || printf '    MX queries: %s\n' "$m"
done
log "== all captures recorded and verified in pcaps/"
