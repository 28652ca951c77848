#!/usr/bin/env bash
# record-typo-shapes.sh — record pcaps/dns-typo-shapes.pcap: MX lookups of
# the structural typo shapes of a few domains (a dot left out, a hyphen for
# the dot, a TLD typed after the name, the dot moved, typed twice or typed
# for a letter), for the e2e case config-domains-only.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-typo-shapes.sh
#
# Two network namespaces joined by a veth pair; dnsmasq in the server one
# answers MX for the names below (documentation addresses only, nothing
# leaves the namespaces); dig in the client one asks, once each, over UDP;
# tcpdump on the client veth records both directions.  The script checks
# that every answer is NOERROR and that the capture holds exactly one
# query and one response per name.  Timestamps, DNS ids and source ports
# differ from run to run.
#
# Requirements: root, iproute2, dnsmasq, dig (bind9-dnsutils), tcpdump,
# capinfos (tshark); `scripts/install-deps.sh --test` installs them.
# Every background process is stopped by its PID and the namespaces are
# removed on exit, also on error or Ctrl-C.
set -euo pipefail

NS_C=typosentry-shape-client
NS_S=typosentry-shape-server
C_ETH=c-veth;  S_ETH=s-veth
C_MAC=02:00:00:00:5e:01;  S_MAC=02:00:00:00:5e:53
C4=192.0.2.1;  S4=192.0.2.53;  P4=24
MX4=192.0.2.25

# The protected domains of the case are usps.com, chase.com and
# yahoo.co.uk; army.ml stands for the default protected TLDs.
NAMES=(
    uspscom.com      # dot-omission, the TLD appended
    usps-com.com     # a hyphen for the dot, the TLD appended
    usps.com.com     # appended-tld
    chase.com.org    # appended-tld
    yahooco.uk       # dot-omission inside the suffix
    chasec.om        # the dot and 'c' swapped (.om is Oman)
    chase.c.om       # a dot typed inside the suffix
    c.ase.com        # a dot typed for 'h'
    yahooxco.uk      # 'x' typed for the dot
    army.ml          # the default protected TLDs still apply
    usps.com         # protected: no alert
    example.org      # unrelated: no alert
)

# Messages, the one-recorder lock, stopping by PID, waiting for a server,
# removing the namespaces on exit (scripts/netns-lib.sh).  Another
# recording run holds the same lock: wait for it (5 min at most).
REC_NAME=record-typo-shapes
NAMESPACES=("$NS_C" "$NS_S")
LOCK_WAIT=300
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"
need_cmds dnsmasq dig tcpdump capinfos ss

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps/dns-typo-shapes.pcap
netns_init typosentry-shape

nsc() { ip netns exec "$NS_C" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

log "== namespaces $NS_C and $NS_S"
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # IPv4 only: no IPv6 chatter (MLD, DAD, router solicitations).
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
done
ip link add "$C_ETH" netns "$NS_C" type veth peer name "$S_ETH" netns "$NS_S"
ip -n "$NS_C" link set dev "$C_ETH" address "$C_MAC"
ip -n "$NS_S" link set dev "$S_ETH" address "$S_MAC"
ip -n "$NS_C" addr add "$C4/$P4" dev "$C_ETH"
ip -n "$NS_S" addr add "$S4/$P4" dev "$S_ETH"
ip -n "$NS_C" link set dev "$C_ETH" up
ip -n "$NS_S" link set dev "$S_ETH" up
# Static neighbours: no ARP in the capture.
ip -n "$NS_C" neigh replace "$S4" lladdr "$S_MAC" dev "$C_ETH" nud permanent
ip -n "$NS_S" neigh replace "$C4" lladdr "$C_MAC" dev "$S_ETH" nud permanent

# Background processes are started by ip netns exec itself (it execs
# them), so that $! is their PID.
log "== dnsmasq on $S4"
DNSMASQ_ARGS=(
    --keep-in-foreground --conf-file=/dev/null --pid-file=
    --no-resolv --no-hosts --no-poll --bind-interfaces
    --user=nobody --group=nogroup --log-facility=- --log-queries
    "--listen-address=$S4" --local-ttl=300
)
zones=/
for n in "${NAMES[@]}"; do
    zones+="$n/"
    DNSMASQ_ARGS+=("--mx-host=$n,mx.$n,10" "--host-record=mx.$n,$MX4")
done
DNSMASQ_ARGS+=("--local=$zones")
ip netns exec "$NS_S" dnsmasq "${DNSMASQ_ARGS[@]}" >"$WORK/dnsmasq.log" 2>&1 9>&- &
DNSMASQ_PID=$!
BG_PIDS+=("$DNSMASQ_PID")
wait_listen_in "$NS_S" u "$S4" 53 dnsmasq "$DNSMASQ_PID" "$WORK/dnsmasq.log"

log "== capture and lookups"
ip netns exec "$NS_C" tcpdump -i "$C_ETH" -U -s 2048 -n -Z root --immediate-mode \
    -w "$WORK/cap.pcap" udp port 53 >"$WORK/tcpdump.log" 2>&1 9>&- &
CAP_PID=$!
BG_PIDS+=("$CAP_PID")
wait_for_text "$WORK/tcpdump.log" "listening on" tcpdump "$CAP_PID"
for n in "${NAMES[@]}"; do
    out=$(nsc dig +tries=1 +time=2 +noedns @"$S4" MX "$n" 2>&1) || true
    status=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -n 1)
    printf '   MX %-16s %s\n' "$n" "${status:-no answer}"
    [ "$status" = NOERROR ] || { printf '%s\n' "$out" >&2; die "dig MX $n: expected NOERROR"; }
done
sleep 1
stop_pid "$CAP_PID"
grep -q '^0 packets dropped by kernel' "$WORK/tcpdump.log" ||
    { cat "$WORK/tcpdump.log" >&2; die "tcpdump lost packets"; }
got=$(capinfos -Mc "$WORK/cap.pcap" | sed -n 's/^Number of packets: *//p')
[ "$got" = $((2 * ${#NAMES[@]})) ] ||
    die "capture holds $got packets, expected $((2 * ${#NAMES[@]}))"
cp "$WORK/cap.pcap" "$OUT"
log "== wrote $OUT ($got packets)"

# pcaps/README.md: this script's part, between its marker lines (appended
# when they are missing, e.g. after scripts/record-pcaps.sh rewrote it).
SECTION=$(cat <<MDEOF
<!-- BEGIN record-typo-shapes.sh (generated; edit the script, not this part) -->
## Structural typo shapes

Recorded by \`sudo scripts/record-typo-shapes.sh\`, which replaces only this
part of the file.  dig in one network namespace asks dnsmasq in another (a
veth pair, IPv4 only, documentation addresses) for the MX of each name
once; tcpdump on the client veth.  Used by the e2e case
\`config-domains-only\` (protected: usps.com, chase.com, yahoo.co.uk).

| File | Link type | Packets | Lookups (MX, one query and one NOERROR response each) |
|------|-----------|---------|---------|
| dns-typo-shapes.pcap | Ethernet (1) | $got | ${NAMES[*]} |
<!-- END record-typo-shapes.sh -->
MDEOF
)
README_MD=$REPO/pcaps/README.md SECTION=$SECTION /usr/bin/python3 - <<'PYEOF'
import os, re
path, section = os.environ["README_MD"], os.environ["SECTION"] + "\n"
text = open(path).read() if os.path.exists(path) else ""
pat = re.compile(r"<!-- BEGIN record-typo-shapes\.sh.*?<!-- END record-typo-shapes\.sh -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda _m: section, text, count=1)
else:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
open(path, "w").write(text)
PYEOF
log "== pcaps/README.md updated"
