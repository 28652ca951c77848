#!/usr/bin/env bash
# record-vxlan-pcaps.sh — re-record the VXLAN test captures in pcaps/.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-vxlan-pcaps.sh
#
# What it does
#   Builds two VXLAN overlays (VNI 100, tenant A; VNI 200, tenant B) over
#   one underlay, with the kernel's own VXLAN devices, in network namespaces
#   of its own: two underlay namespaces (the VTEPs, joined by a veth pair,
#   192.0.2.1 and 192.0.2.2) and, per tenant, a client namespace and a
#   server namespace.  Each VXLAN device is created in its VTEP namespace
#   (its UDP socket stays there) and then moved into the tenant's namespace,
#   so both tenants use the same inner addresses: clients 10.77.0.1 and
#   fd00:77::1, DNS servers (dnsmasq) 10.77.0.53 and fd00:77::53, mail
#   servers (Postfix's smtp-sink) 10.77.0.25 and fd00:77::25.  dig and swaks
#   run in the client namespaces; tcpdump records the underlay veth (the
#   VXLAN packets, as a cloud mirror delivers them) and, for the twin, the
#   tenant's VXLAN device (the same traffic without the tunnel).  Nothing
#   leaves the namespaces: all addresses exist only inside them.
#
#   Captures written to pcaps/ (overwritten on every run):
#     vxlan-mx-smtp.pcap         tenant A on the underlay: MX lookups of
#                                army.ml (IPv4 inside), gmial.com (IPv6
#                                inside) and gmail.com, mail to john@army.ml
#                                (IPv4) and jane@gmial.com (IPv6)
#     vxlan-mx-smtp-inner.pcap   the same traffic recorded on tenant A's
#                                VXLAN device: its un-tunnelled twin
#     vxlan-mx-smtp-snaplen.pcap vxlan-mx-smtp.pcap as a snap length of 140
#                                records it (editcap -s 140): the DNS
#                                messages cut after their question
#     vxlan-two-tenants.pcap     on the underlay: tenant A looks up the MX of
#                                army.ml and gmial.com and the addresses of
#                                their exchanges (10.77.0.25, fd00:77::25);
#                                tenant B, from the same inner addresses and
#                                source ports, looks up example.org and
#                                mails bob@example.org at its own
#                                10.77.0.25 and fd00:77::25
#
#   Neighbour entries are static and IPv6 DAD, router solicitation and
#   link-local addresses are off, so the captures hold only the DNS and
#   SMTP packets (and their VXLAN wrapping).  Timestamps, DNS ids, TCP
#   ports and VXLAN source ports differ from run to run.
#
# Requirements: root, iproute2 with VXLAN in the kernel, dnsmasq, dig,
# swaks, smtp-sink (postfix), tcpdump, tshark, capinfos.
set -euo pipefail

REC_NAME=record-vxlan-pcaps
NS_ULA=tsvx-underlay-a;  NS_ULB=tsvx-underlay-b
NS_AC=tsvx-a-client;     NS_AS=tsvx-a-server
NS_BC=tsvx-b-client;     NS_BS=tsvx-b-server
NAMESPACES=("$NS_AC" "$NS_AS" "$NS_BC" "$NS_BS" "$NS_ULA" "$NS_ULB")
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

UL_A=ul-a; UL_B=ul-b
UL_A4=192.0.2.1; UL_B4=192.0.2.2
UL_A_MAC=02:00:00:00:ff:01; UL_B_MAC=02:00:00:00:ff:02
VX=vx0                                    # the VXLAN device in every tenant namespace
C4=10.77.0.1;  C6=fd00:77::1
D4=10.77.0.53; D6=fd00:77::53
M4=10.77.0.25; M6=fd00:77::25
C_MAC=02:00:00:77:00:01; S_MAC=02:00:00:77:00:53

need_cmds dnsmasq dig swaks smtp-sink tcpdump tshark capinfos
netns_init typosentry-vxlan
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps

# For foreground commands only: a background "in_ns ... &" would be a
# subshell whose PID is not the command's (background ones use ip netns
# exec, which execs the command: $! is then its PID).
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

quiet_ipv6() {
    local ns=$1 scope
    for scope in all default; do
        in_ns "$ns" sysctl -qw "net.ipv6.conf.$scope.addr_gen_mode=1" \
            "net.ipv6.conf.$scope.accept_dad=0" \
            "net.ipv6.conf.$scope.router_solicitations=0" \
            "net.ipv6.conf.$scope.accept_ra=0"
    done
}

# ------------------------------------------------------------ the network
log "== building the underlay and two VXLAN overlays"
for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    quiet_ipv6 "$ns"
    ip -n "$ns" link set lo up
done
ip link add "$UL_A" netns "$NS_ULA" address "$UL_A_MAC" type veth \
    peer name "$UL_B" netns "$NS_ULB" address "$UL_B_MAC"
ip -n "$NS_ULA" addr add "$UL_A4/24" dev "$UL_A"
ip -n "$NS_ULB" addr add "$UL_B4/24" dev "$UL_B"
ip -n "$NS_ULA" link set "$UL_A" up
ip -n "$NS_ULB" link set "$UL_B" up
ip -n "$NS_ULA" neigh replace "$UL_B4" lladdr "$UL_B_MAC" dev "$UL_A" nud permanent
ip -n "$NS_ULB" neigh replace "$UL_A4" lladdr "$UL_A_MAC" dev "$UL_B" nud permanent

# vtep UNDERLAY_NS DEV LOCAL REMOTE VNI TENANT_NS MAC PEER_MAC ADDR...
vtep() {
    local ul=$1 dev=$2 local_ip=$3 remote=$4 vni=$5 ns=$6 mac=$7 peer=$8 a
    shift 8
    ip -n "$ul" link add "$VX" address "$mac" type vxlan id "$vni" \
        local "$local_ip" remote "$remote" dstport 4789 dev "$dev" nolearning
    ip -n "$ul" link set "$VX" netns "$ns"
    for a in "$@"; do ip -n "$ns" addr add "$a" dev "$VX" nodad 2>/dev/null ||
        ip -n "$ns" addr add "$a" dev "$VX"; done
    ip -n "$ns" link set "$VX" up
    # Static neighbours: no ARP or neighbour discovery in the captures.
    for a in "$C4" "$D4" "$M4" "$C6" "$D6" "$M6"; do
        ip -n "$ns" neigh replace "$a" lladdr "$peer" dev "$VX" nud permanent
    done
}
for t in a b; do
    vni=100; [ "$t" = b ] && vni=200
    cns=tsvx-$t-client; sns=tsvx-$t-server
    vtep "$NS_ULA" "$UL_A" "$UL_A4" "$UL_B4" "$vni" "$cns" "$C_MAC" "$S_MAC" \
        "$C4/24" "$C6/64"
    vtep "$NS_ULB" "$UL_B" "$UL_B4" "$UL_A4" "$vni" "$sns" "$S_MAC" "$C_MAC" \
        "$D4/24" "$M4/24" "$D6/64" "$M6/64"
done

# ---------------------------------------------------------------- servers
# dnsmasq_start NS NAME RECORDS...: an authoritative-only dnsmasq on D4, D6.
dnsmasq_start() {
    local ns=$1 name=$2 pid; shift 2
    ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= \
        --no-resolv --no-hosts --no-poll --bind-interfaces \
        --user=nobody --group=nogroup --log-facility=- --log-queries \
        --listen-address="$D4" --listen-address="$D6" "$@" \
        >"$WORK/$name.log" 2>&1 9>&- &
    pid=$!
    BG_PIDS+=("$pid")
    wait_listen_in "$ns" u "$D4" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
    wait_listen_in "$ns" u "$D6" 53 "dnsmasq ($name)" "$pid" "$WORK/$name.log"
}
# sink_start NS ADDR: smtp-sink on ADDR:25.
sink_start() {
    local ns=$1 addr=$2 fam=-4 spec pid
    spec="$addr:25"
    case $addr in *:*) fam=-6; spec="[$addr]:25" ;; esac
    ip netns exec "$ns" smtp-sink "$fam" -u nobody "$spec" 10 \
        >"$WORK/sink-$ns-$addr.log" 2>&1 9>&- &
    pid=$!
    BG_PIDS+=("$pid")
    wait_listen_in "$ns" t "$addr" 25 "smtp-sink" "$pid" "$WORK/sink-$ns-$addr.log"
}

log "== dnsmasq and smtp-sink in both tenants"
# shellcheck disable=SC2054  # the commas belong to dnsmasq options
dnsmasq_start "$NS_AS" dnsmasq-a \
    --local=/army.ml/gmial.com/gmail.com/ \
    --mx-host=army.ml,mail.army.ml,10 --mx-host=gmial.com,mx.gmial.com,10 \
    --mx-host=gmail.com,gmail-smtp-in.l.google.com,5 \
    --host-record=mail.army.ml,"$M4","$M6" --host-record=mx.gmial.com,"$M4","$M6"
# shellcheck disable=SC2054
dnsmasq_start "$NS_BS" dnsmasq-b \
    --local=/example.org/ --mx-host=example.org,mail.example.org,10 \
    --host-record=mail.example.org,"$M4","$M6"
for ns in "$NS_AS" "$NS_BS"; do
    sink_start "$ns" "$M4"
    sink_start "$ns" "$M6"
done

# ------------------------------------------------------------- capturing
CAP_PIDS=()
# cap_start NS DEV FILE: tcpdump on DEV in NS into $WORK/FILE.
cap_start() {
    local ns=$1 dev=$2 file=$3 pid
    ip netns exec "$ns" tcpdump -i "$dev" -U -s 2048 -n -Z root --immediate-mode \
        -w "$WORK/$file" >"$WORK/$file.log" 2>&1 9>&- &
    pid=$!
    BG_PIDS+=("$pid"); CAP_PIDS+=("$pid")
    wait_for_text "$WORK/$file.log" "listening on" "tcpdump ($file)" "$pid"
}
cap_stop() {
    local pid
    sleep 0.5                     # the last packets reach the files
    for pid in "${CAP_PIDS[@]}"; do stop_pid "$pid"; done
    CAP_PIDS=()
}

dig_run() {
    local ns=$1; shift
    in_ns "$ns" dig +tries=1 +time=2 +nocookie "$@" >>"$WORK/dig.log" 2>&1 ||
        die "dig $* (in $ns) failed"
    printf '   %s: dig %s\n' "$ns" "$*"
}
swaks_run() {
    local ns=$1; shift
    in_ns "$ns" swaks --silent 2 --helo client.example.org \
        --from alice@example.org "$@" >>"$WORK/swaks.log" 2>&1 ||
        { tail -20 "$WORK/swaks.log" >&2; die "swaks $* (in $ns) failed"; }
    printf '   %s: swaks %s\n' "$ns" "$*"
}

log "== vxlan-mx-smtp.pcap and its twin vxlan-mx-smtp-inner.pcap (tenant A)"
cap_start "$NS_ULA" "$UL_A" vxlan-mx-smtp.pcap
cap_start "$NS_AC" "$VX" vxlan-mx-smtp-inner.pcap
dig_run "$NS_AC" @"$D4" MX army.ml
dig_run "$NS_AC" @"$D6" MX gmial.com
dig_run "$NS_AC" @"$D4" MX gmail.com
swaks_run "$NS_AC" --server "$M4" --to john@army.ml
swaks_run "$NS_AC" --server "$M6" --to jane@gmial.com
cap_stop

log "== vxlan-two-tenants.pcap (tenants A and B, the same inner addresses)"
cap_start "$NS_ULA" "$UL_A" vxlan-two-tenants.pcap
dig_run "$NS_AC" -b "$C4#40053" @"$D4" MX army.ml
dig_run "$NS_BC" -b "$C4#40053" @"$D4" MX example.org
dig_run "$NS_AC" -b "$C6#40054" @"$D6" MX gmial.com
dig_run "$NS_BC" -b "$C6#40054" @"$D6" MX example.org
# The exchanges' addresses, as a sending MTA would ask: in tenant A they
# are the exchanges of typo domains.
dig_run "$NS_AC" @"$D4" A mail.army.ml
dig_run "$NS_AC" @"$D6" AAAA mx.gmial.com
swaks_run "$NS_BC" --server "$M4" --to bob@example.org
swaks_run "$NS_BC" --server "$M6" --to bob@example.org
cap_stop

# A mirror recorded with a small snap length: every frame cut to 140
# bytes, the record keeping the frame's length.  The DNS messages inside
# keep their header and question, their answers are cut.
editcap -s 140 "$WORK/vxlan-mx-smtp.pcap" "$WORK/vxlan-mx-smtp-snaplen.pcap"

# ----------------------------------------------------------------- checks
fails=0
bad() { printf '   FAIL %s\n' "$*" >&2; fails=$((fails + 1)); }
count() { tshark -n -r "$WORK/$1" -Y "$2" 2>/dev/null | wc -l; }
log "== checking the captures with tshark"
f=vxlan-mx-smtp.pcap
[ "$(count $f 'vxlan.vni == 100 && dns.qry.type == 15')" -eq 6 ] || bad "$f: 6 MX messages in VNI 100"
[ "$(count $f '!vxlan')" -eq 0 ] || bad "$f: every packet in VXLAN"
[ "$(count $f 'vxlan && ipv6 && dns')" -eq 2 ] || bad "$f: IPv6 inside"
[ "$(count $f 'smtp.req.command == "RCPT"')" -eq 2 ] || bad "$f: 2 RCPT TO"
[ "$(count $f 'vxlan')" -eq "$(count vxlan-mx-smtp-inner.pcap 'frame')" ] ||
    bad "$f: as many packets as its twin"
[ "$(count vxlan-mx-smtp-inner.pcap 'vxlan')" -eq 0 ] || bad "twin without VXLAN"
f=vxlan-mx-smtp-snaplen.pcap
[ "$(count $f 'vxlan.vni == 100 && dns.qry.type == 15')" -eq 6 ] || bad "$f: tshark reads the 6 MX questions"
[ "$(count $f 'frame.cap_len == 140 && frame.len > 140')" -ge 4 ] || bad "$f: frames cut to 140 bytes"
f=vxlan-two-tenants.pcap
[ "$(count $f 'vxlan.vni == 100 && dns')" -eq 8 ] || bad "$f: tenant A's 8 DNS messages"
[ "$(count $f 'vxlan.vni == 200 && dns')" -eq 4 ] || bad "$f: tenant B's 4 DNS messages"
[ "$(count $f 'vxlan.vni == 200 && smtp.req.command == "RCPT"')" -eq 2 ] || bad "$f: tenant B's 2 RCPT TO"
[ "$(count $f 'vxlan.vni == 100 && udp.srcport == 40053')" -eq 1 ] &&
[ "$(count $f 'vxlan.vni == 200 && udp.srcport == 40053')" -eq 1 ] || bad "$f: the same inner source port in both tenants"
[ "$fails" -eq 0 ] || die "$fails check(s) failed; nothing written to pcaps/"

npk() { capinfos -T -r -c "$OUT/$1" 2>/dev/null | cut -f2; }
for f in vxlan-mx-smtp.pcap vxlan-mx-smtp-inner.pcap vxlan-mx-smtp-snaplen.pcap \
         vxlan-two-tenants.pcap; do
    cp "$WORK/$f" "$OUT/$f"
    log "   $f: $(npk "$f") packets"
done

# pcaps/README.md: record-pcaps.sh rewrites that file as a whole; this
# script replaces only its own section, between its markers.
SECTION=$WORK/readme-section.md
cat >"$SECTION" <<EOF
<!-- BEGIN record-vxlan-pcaps.sh (written by it; do not edit by hand) -->
## VXLAN captures

Recorded by \`sudo scripts/record-vxlan-pcaps.sh\`: the kernel's own VXLAN
devices (UDP port 4789) over a veth underlay ($UL_A4 and $UL_B4), two
overlays with the same inner addresses (clients $C4 and $C6, dnsmasq on
$D4 and $D6, smtp-sink on $M4 and $M6), tenant A in VNI 100 and tenant B
in VNI 200, each in network namespaces of its own; dig and swaks in the
tenants' client namespaces.

| File | Link type | Packets | How it was made | Traffic |
|------|-----------|---------|-----------------|---------|
| vxlan-mx-smtp.pcap | Ethernet (1), VXLAN inside | $(npk vxlan-mx-smtp.pcap) | tcpdump on the underlay veth | tenant A: MX army.ml (IPv4 inside), MX gmial.com (IPv6 inside), MX gmail.com; swaks to john@army.ml (IPv4) and jane@gmial.com (IPv6) |
| vxlan-mx-smtp-inner.pcap | Ethernet (1) | $(npk vxlan-mx-smtp-inner.pcap) | tcpdump on tenant A's client VXLAN device during the same run: the un-tunnelled twin of vxlan-mx-smtp.pcap | the same |
| vxlan-mx-smtp-snaplen.pcap | Ethernet (1), VXLAN inside | $(npk vxlan-mx-smtp-snaplen.pcap) | vxlan-mx-smtp.pcap with every frame cut to 140 bytes (editcap -s 140), as a mirror recorded with tcpdump -s 140 | the same; the DNS messages keep their header and question (tshark reads all six), their answers and most SMTP payloads are cut |
| vxlan-two-tenants.pcap | Ethernet (1), VXLAN inside | $(npk vxlan-two-tenants.pcap) | tcpdump on the underlay veth | tenant A: MX army.ml from $C4 port 40053, MX gmial.com from $C6 port 40054, A mail.army.ml, AAAA mx.gmial.com (exchanges $M4, $M6); tenant B: MX example.org from the same addresses and ports, swaks to bob@example.org at its own $M4 and $M6 |
<!-- END record-vxlan-pcaps.sh -->
EOF
/usr/bin/python3 - "$OUT/README.md" "$SECTION" <<'PYEOF'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if os.path.exists(path) else ""
pat = re.compile(r"<!-- BEGIN record-vxlan-pcaps\.sh.*?<!-- END record-vxlan-pcaps\.sh -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda _m: section, text, count=1)
else:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
open(path, "w").write(text)
PYEOF
log "== done"
