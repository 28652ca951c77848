#!/usr/bin/env bash
# record-correlation-pcaps.sh — re-record the "did the mail leave?"
# correlation captures in pcaps/.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-correlation-pcaps.sh
#
# What it does
#   Builds a private two-host network out of two network namespaces
#   ("typosentry-corr-client" and "typosentry-corr-server") joined by a veth
#   pair.  The server namespace holds a DNS server (dnsmasq) and one SMTP
#   server per mail exchanger:
#
#     army.ml      MX 10 mail.army.ml    A 192.0.2.25  Postfix smtp-sink:
#                                                      accepts everything
#     gmial.com    MX 10 mx.gmial.com    A 192.0.2.26  a private Postfix smtpd
#                                                      (smtpd_recipient_
#                                                      restrictions = reject,
#                                                      reject_code = 550):
#                                                      every RCPT gets a 550
#     example.org  MX 10 mx.example.org  A 192.0.2.27  Postfix smtp-sink:
#                                                      accepts everything
#
#   The client namespace uses dnsmasq as its resolver: the script writes
#   /etc/netns/typosentry-corr-client/resolv.conf (and a hosts file), which
#   `ip netns exec` bind-mounts over /etc/resolv.conf and /etc/hosts, and
#   removes them on exit.  The mail client is swaks without --server: it
#   looks up the MX of the recipient's domain itself (perl Net::DNS), then
#   the address of the exchanger (the C library resolver, when it opens the
#   connection) and delivers there.  dig makes the lookups that are not
#   followed by mail.  Everything is captured with tcpdump on the client
#   veth (Ethernet), started before the first packet and stopped after the
#   last.  No packet leaves the namespaces: every address used is a
#   documentation address (192.0.2.0/24) that exists only inside them.
#
#   Captures written to pcaps/ (overwritten on every run; see the section of
#   pcaps/README.md between the record-correlation-pcaps.sh markers):
#     correlate-delivered.pcap     swaks --to john@army.ml: MX army.ml, A
#                                  mail.army.ml, SMTP to 192.0.2.25, RCPT 250,
#                                  message 250
#     correlate-rejected.pcap      swaks --to mary@gmial.com: MX gmial.com, A
#                                  mx.gmial.com, SMTP to 192.0.2.26, RCPT 550,
#                                  QUIT
#     correlate-lookup-only.pcap   dig MX army.ml, dig A mail.army.ml; no SMTP
#     correlate-relay.pcap         dig MX army.ml, dig A mail.army.ml, then
#                                  swaks --server 192.0.2.25 --to
#                                  bob@example.org (a recipient that is no
#                                  typo, sent to the typo domain's server)
#     correlate-two-mistakes.pcap  the delivered and the rejected session one
#                                  after the other, from the same client
#
#   pcaps/README.md: record-pcaps.sh rewrites that file as a whole; this
#   script only replaces the part between its two marker lines (appending it
#   when the markers are missing), so run it after record-pcaps.sh.
#
#   Determinism: the same commands in the same order on every run, IPv6 off
#   in both namespaces, static neighbour entries (no ARP), no TCP metrics
#   cache, no segmentation offload, and everything on one CPU.  The script
#   checks the exact sequence of DNS questions/answers, connections and SMTP
#   commands/replies of every capture.  Timestamps, DNS ids, ports, sequence
#   numbers and how the kernel groups ACKs differ from run to run, so the
#   packet counts of the SMTP captures can differ by an ACK or two.
#
# Requirements: root, iproute2, dnsmasq, dig (bind9-dnsutils), postfix
# (smtp-sink, master, smtpd), swaks with perl Net::DNS (libnet-dns-perl), tcpdump,
# tshark/capinfos (tshark), python3.  The system's Postfix need not be
# configured or running; this script never uses it.  No nscd (it would answer the client's
# host name lookups from outside the namespace).
#
# Every background process the script starts is stopped by its PID, and the
# namespaces and the /etc/netns files are removed on exit (also on error or
# Ctrl-C).  It can be re-run at any time; a namespace left over from an
# interrupted run is removed first.  With KEEP_WORK=1 a failed run leaves
# its temporary directory (captures, logs) in place for inspection.
set -euo pipefail

# ---------------------------------------------------------------- settings
NS_C=typosentry-corr-client
NS_S=typosentry-corr-server
PY=/usr/bin/python3

C_ETH="c-veth";  S_ETH="s-veth"
C_ETH_MAC=02:00:00:00:1c:01;  S_ETH_MAC=02:00:00:00:1c:53
C4=192.0.2.1;  P4=24
DNS4=192.0.2.53
MX_ARMY=192.0.2.25       # mail.army.ml:   accepts everything
MX_GMIAL=192.0.2.26      # mx.gmial.com:   rejects every RCPT (550)
MX_EXAMPLE=192.0.2.27    # mx.example.org: accepts everything
EHLO_NAME=client.example.org
SENDER=alice@example.org
NETNS_ETC=/etc/netns/$NS_C

# ------------------------------------------------------------------ basics
REC_NAME=record-correlation-pcaps
NAMESPACES=("$NS_C" "$NS_S")
NS_DEVICES=()
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

[ "$(id -u)" -eq 0 ] || die "must run as root (sudo scripts/record-correlation-pcaps.sh)"
for cmd in ip dnsmasq dig tcpdump tshark capinfos flock swaks smtp-sink \
           postconf setsid taskset perl env "$PY"; do
    command -v "$cmd" >/dev/null 2>&1 ||
        die "'$cmd' not found; run scripts/install-deps.sh --test"
done
perl -MNet::DNS -e 1 2>/dev/null ||
    die "perl Net::DNS missing (swaks needs it for its own MX lookup); apt-get install libnet-dns-perl"
# A running nscd would answer the client's host name lookups itself, with
# the host's resolver, instead of the namespace's.
for s in /run/nscd/socket /var/run/nscd/socket; do
    [ -S "$s" ] && die "nscd is running ($s): client lookups would bypass the namespace's resolver"
done

# One recorder at a time, a work directory, everything removed on exit
# (scripts/netns-lib.sh).
# Everything (servers, clients and so the kernel's packet processing) on one
# CPU, like record-smtp-pcaps.sh: the veth then never reorders segments.
CPU=$(awk '/^Cpus_allowed_list:/ { split($2, a, /[-,]/); print a[1] }' /proc/self/status)
taskset -pc "$CPU" $$ >/dev/null || die "cannot bind to CPU $CPU"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps
netns_init typosentry-corr

# For foreground commands only.  The client runs with a clean environment
# (no RES_OPTIONS, LOCALDOMAIN, ... from the caller) and the work directory
# as its current and home directory (Net::DNS also reads ./.resolv.conf and
# ~/.resolv.conf).
nsc() {
    (cd "$WORK" && ip netns exec "$NS_C" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME="$WORK" LANG=C "$@")
}
nss() { ip netns exec "$NS_S" "$@"; }

# wait_listen PROTO ADDR PORT WHAT PID LOG: in the server namespace.
wait_listen() { wait_listen_in "$NS_S" "$@"; }

# The client namespace's /etc files (named after our namespace, so any
# left-over is ours).  /etc/netns itself goes only when it is empty.
cleanup_hook() { remove_netns_etc; }
remove_netns_etc() {
    rm -f "$NETNS_ETC/resolv.conf" "$NETNS_ETC/hosts"
    rmdir "$NETNS_ETC" 2>/dev/null || true
    rmdir /etc/netns 2>/dev/null || true
}

# ---------------------------------------------------------------- network
log "== setting up namespaces $NS_C and $NS_S"
delete_namespaces
remove_netns_etc
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # IPv4 only: no IPv6 at all (no link-local addresses, MLD, DAD or router
    # solicitations on the link).  No TCP metrics cache, so one connection's
    # path parameters do not carry over to the next.
    ip netns exec "$ns" sysctl -q -w \
        net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
        net.ipv4.tcp_no_metrics_save=1
done

ip link add "$C_ETH" netns "$NS_C" type veth peer name "$S_ETH" netns "$NS_S"
ip -n "$NS_C" link set dev "$C_ETH" address "$C_ETH_MAC"
ip -n "$NS_S" link set dev "$S_ETH" address "$S_ETH_MAC"
ip -n "$NS_C" addr add "$C4/$P4" dev "$C_ETH"
for a in "$DNS4" "$MX_ARMY" "$MX_GMIAL" "$MX_EXAMPLE"; do
    ip -n "$NS_S" addr add "$a/$P4" dev "$S_ETH"
done
# No segmentation offload: tcpdump sees wire-sized segments.
ip -n "$NS_C" link set dev "$C_ETH" gso_max_segs 1 up
ip -n "$NS_S" link set dev "$S_ETH" gso_max_segs 1 up
for a in "$DNS4" "$MX_ARMY" "$MX_GMIAL" "$MX_EXAMPLE"; do
    ip -n "$NS_C" neigh replace "$a" lladdr "$S_ETH_MAC" dev "$C_ETH" nud permanent
done
ip -n "$NS_S" neigh replace "$C4" lladdr "$C_ETH_MAC" dev "$S_ETH" nud permanent

# The client's resolver is dnsmasq.  The hosts file holds this machine's
# host name (swaks looks it up at start; when /etc/hosts lacks it, the
# lookup would go to dnsmasq and show up in the captures).
mkdir -p "$NETNS_ETC"
cat >"$NETNS_ETC/resolv.conf" <<EOF
# record-correlation-pcaps.sh: resolver of namespace $NS_C (removed on exit)
nameserver $DNS4
EOF
{
    printf '# record-correlation-pcaps.sh: hosts of namespace %s (removed on exit)\n' "$NS_C"
    printf '127.0.0.1\tlocalhost\n'
    h=$(hostname 2>/dev/null || true)
    [ -z "$h" ] || [ "$h" = localhost ] || printf '127.0.1.1\t%s\n' "$h"
} >"$NETNS_ETC/hosts"
chmod 0644 "$NETNS_ETC/resolv.conf" "$NETNS_ETC/hosts"
[ "$(nsc sed -n 's/^nameserver //p' /etc/resolv.conf)" = "$DNS4" ] ||
    die "ip netns exec does not bind-mount $NETNS_ETC/resolv.conf"

# ------------------------------------------------------------ test input
# msg_file USER@DOMAIN: a short message for swaks --data @FILE (swaks turns
# the line endings into CRLF).
msg_file() {
    local f=$WORK/msg-${1%%@*}.txt
    cat >"$f" <<EOF
From: Alice <$SENDER>
To: <$1>
Subject: typosentry correlation test

Hello,
this is a short test message.
Alice
EOF
    printf '%s\n' "$f"
}

# --------------------------------------------------------------- servers
log "== starting dnsmasq ($DNS4), smtp-sink ($MX_ARMY, $MX_EXAMPLE) and Postfix smtpd ($MX_GMIAL) in $NS_S"
# shellcheck disable=SC2054  # the commas belong to dnsmasq options
DNSMASQ_ARGS=(
    --keep-in-foreground --conf-file=/dev/null --pid-file=
    --no-resolv --no-hosts --no-poll --bind-interfaces
    --user=nobody --group=nogroup --log-facility=- --log-queries
    "--listen-address=$DNS4"
    # A TTL of 5 minutes, as a real zone would have (dnsmasq's default
    # for its own records is 0).
    --local-ttl=300
    # Answer only from the records below; anything else in these zones is
    # NXDOMAIN (there is no upstream server).
    --local=/army.ml/gmial.com/example.org/
    --mx-host=army.ml,mail.army.ml,10
    --mx-host=gmial.com,mx.gmial.com,10
    --mx-host=example.org,mx.example.org,10
    "--host-record=mail.army.ml,$MX_ARMY"
    "--host-record=mx.gmial.com,$MX_GMIAL"
    "--host-record=mx.example.org,$MX_EXAMPLE"
)
ip netns exec "$NS_S" dnsmasq "${DNSMASQ_ARGS[@]}" >"$WORK/dnsmasq.log" 2>&1 9>&- &
DNSMASQ_PID=$!
BG_PIDS+=("$DNSMASQ_PID")
wait_listen u "$DNS4" 53 dnsmasq "$DNSMASQ_PID" "$WORK/dnsmasq.log"
wait_listen t "$DNS4" 53 dnsmasq "$DNSMASQ_PID" "$WORK/dnsmasq.log"

SINK_PIDS=()
# sink_start ADDR: smtp-sink on ADDR:25, accepting everything.
sink_start() {
    local addr=$1 pid
    ip netns exec "$NS_S" smtp-sink -4 -u nobody "$addr:25" 10 \
        >"$WORK/sink-$addr.log" 2>&1 9>&- &
    pid=$!
    BG_PIDS+=("$pid"); SINK_PIDS+=("$pid")
    wait_listen t "$addr" 25 "smtp-sink ($addr)" "$pid" "$WORK/sink-$addr.log"
}
sink_start "$MX_ARMY"
sink_start "$MX_EXAMPLE"

# mx.gmial.com: a private Postfix instance (own main.cf/master.cf, queue and
# data directories under $PFX; nothing depends on the system's Postfix, as
# in record-smtp-pcaps.sh) whose smtpd on $MX_GMIAL:25 rejects every
# recipient with 550.  (smtp-sink's "-f RCPT" answers "500 5.3.0 Error:
# command failed", a syntax-error code, not a recipient rejection.)
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
    mkdir -p "$PFX/data" "$PFX/spool"
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
    cat >"$PFX/etc/main.cf" <<EOF
# Private test instance of record-correlation-pcaps.sh (mx.gmial.com):
# every RCPT is rejected with 550; nothing is accepted or delivered.
compatibility_level = 3.6
queue_directory = $PFX/spool
data_directory = $PFX/data
daemon_directory = $daemon_dir
shlib_directory = $shlib_dir
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $PFX
maillog_file = $PFX/maillog
myhostname = mx.gmial.com
mydomain = gmial.com
myorigin = \$myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = $MX_GMIAL
inet_protocols = ipv4
mynetworks = 192.0.2.0/24
smtpd_relay_restrictions =
smtpd_recipient_restrictions = reject
reject_code = 550
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_banner = \$myhostname ESMTP
default_transport = discard:test sink
relay_transport = discard:test sink
local_transport = discard:test sink
virtual_transport = discard:test sink
smtp_dns_support_level = disabled
biff = no
EOF
    cat >"$PFX/etc/master.cf" <<EOF
$MX_GMIAL:25   inet  n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
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
    wait_listen t "$MX_GMIAL" 25 "postfix master" "$MASTER_PID" "$WORK/master.log"
}
postfix_stop() {
    local i left
    # master(8) stops its child processes when it gets SIGTERM.
    stop_pid "$MASTER_PID"; MASTER_PID=
    # Nothing else runs in the server namespace now (dnsmasq and smtp-sink
    # were stopped first); wait (max 5 s) for the Postfix daemons to go.
    for ((i = 0; i < 50; i++)); do
        left=$(ip netns pids "$NS_S" 2>/dev/null)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    die "Postfix processes left after stopping master: $left"
}
postfix_setup
postfix_start

# ------------------------------------------------------------- capturing
CAP_PID=
CAP_NAME=
# cap_start NAME: tcpdump on the client veth into $WORK/NAME, wait for it.
cap_start() {
    CAP_NAME=$1
    ip netns exec "$NS_C" tcpdump -i "$C_ETH" -U -s 2048 -B 2048 -n -Z root \
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

# swaks_run LOGNAME EXPECTED-EXIT ARGS...: swaks from the client namespace.
# swaks exits with 0 when the message was accepted and with 24 when no
# recipient was.
SWAKS_COMMON=(--ehlo "$EHLO_NAME" --from "$SENDER" --timeout 10)
swaks_run() {
    local name=$1 want=$2 rc=0; shift 2
    nsc swaks "$@" >"$WORK/$name.log" 2>&1 9>&- || rc=$?
    if [ "$rc" != "$want" ]; then
        cat "$WORK/$name.log" >&2
        die "swaks ($name) exited with $rc, expected $want"
    fi
    printf '   swaks %s (exit %s)\n' "${*//$WORK\//}" "$rc"
}
# dig_run TYPE NAME: dig from the client namespace through its resolver
# (/etc/resolv.conf, i.e. dnsmasq); the answer must be NOERROR with data.
dig_run() {
    local out status ans
    out=$(nsc dig +tries=1 +time=3 "$1" "$2" 2>&1) || true
    status=$(printf '%s\n' "$out" | sed -n 's/.*->>HEADER<<-.*status: \([A-Z]*\).*/\1/p' | head -n 1)
    ans=$(printf '%s\n' "$out" | awk -v t="$1" '/^[^;]/ && $4 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' |
          tr '\n' ' ' | sed 's/ $//')
    printf '   dig %s %s: %s %s\n' "$1" "$2" "${status:-no answer}" "$ans"
    if [ "$status" != NOERROR ] || [ -z "$ans" ]; then
        printf '%s\n' "$out" >&2; die "dig $1 $2: expected NOERROR with an answer"
    fi
}

# Let the link go quiet.
sleep 1

log "== correlate-delivered.pcap (swaks --to john@army.ml, MX lookup by swaks)"
cap_start correlate-delivered.pcap
swaks_run delivered 0 "${SWAKS_COMMON[@]}" --to john@army.ml --data "@$(msg_file john@army.ml)"
cap_stop

log "== correlate-rejected.pcap (swaks --to mary@gmial.com, MX lookup by swaks)"
cap_start correlate-rejected.pcap
swaks_run rejected 24 "${SWAKS_COMMON[@]}" --to mary@gmial.com --data "@$(msg_file mary@gmial.com)"
cap_stop

log "== correlate-lookup-only.pcap (dig MX army.ml, dig A mail.army.ml)"
cap_start correlate-lookup-only.pcap
dig_run MX army.ml
dig_run A mail.army.ml
cap_stop

log "== correlate-relay.pcap (dig MX/A, then swaks --server $MX_ARMY --to bob@example.org)"
cap_start correlate-relay.pcap
dig_run MX army.ml
dig_run A mail.army.ml
swaks_run relay 0 "${SWAKS_COMMON[@]}" --server "$MX_ARMY" --port 25 \
    --to bob@example.org --data "@$(msg_file bob@example.org)"
cap_stop

log "== correlate-two-mistakes.pcap (swaks --to john@army.ml, then --to mary@gmial.com)"
cap_start correlate-two-mistakes.pcap
swaks_run two-1 0 "${SWAKS_COMMON[@]}" --to john@army.ml --data "@$(msg_file john@army.ml)"
swaks_run two-2 24 "${SWAKS_COMMON[@]}" --to mary@gmial.com --data "@$(msg_file mary@gmial.com)"
cap_stop

for pid in "${SINK_PIDS[@]}"; do stop_pid "$pid"; done
SINK_PIDS=()
stop_pid "$DNSMASQ_PID"
postfix_stop

# ------------------------------------------------------------- verifying
FILES=(correlate-delivered.pcap correlate-rejected.pcap correlate-lookup-only.pcap
       correlate-relay.pcap correlate-two-mistakes.pcap)

log "== verifying"
fails=0
bad() { printf '   FAIL %s\n' "$*" >&2; fails=$((fails + 1)); }
ts() { tshark -n "$@" 2>/dev/null; }
count() { ts -r "$1" -Y "$2" | wc -l; }

# timeline FILE: what happened, one event per line, in capture order:
#   dns-query TYPE NAME
#   dns-answer TYPE NAME RCODE ANSWER...   (MX: exchange names, A: addresses)
#   connect ADDR:PORT                      (the client's SYN)
#   smtp COMMAND [PARAMETER] -> CODE       (the reply to it; "greeting" for
#                                           the banner, "message" for the
#                                           reply to the message data)
# AAAA questions are left out: a swaks whose perl has IO::Socket::INET6
# asks for both A and AAAA of the exchanger (see the note in the README).
timeline() {
    ts -r "$1" -Y 'dns || smtp || (tcp.flags.syn == 1 && tcp.flags.ack == 0)' \
        -T fields -E separator=/t -E occurrence=a -E aggregator=, \
        -e frame.number -e tcp.stream -e ip.dst -e tcp.srcport -e tcp.dstport \
        -e tcp.flags.syn -e tcp.flags.ack -e tcp.len \
        -e dns.flags.response -e dns.qry.type -e dns.qry.name -e dns.flags.rcode \
        -e dns.mx.mail_exchange -e dns.a \
        -e smtp.req.command -e smtp.req.parameter -e smtp.response.code |
    awk -F'\t' '
    BEGIN { t[1] = "A"; t[15] = "MX"; t[28] = "AAAA"
            rc[0] = "NOERROR"; rc[2] = "SERVFAIL"; rc[3] = "NXDOMAIN"; rc[5] = "REFUSED" }
    {
        s = $2
        if ($6 == 1 && $7 == 0) { print "connect " $3 ":" $5; next }
        if ($10 != "") {
            split($10, ty, ","); split($11, nm, ",")
            type = (ty[1] in t) ? t[ty[1]] : ty[1]
            if (type == "AAAA") next
            if ($9 == 0) { print "dns-query " type " " nm[1]; next }
            ans = (type == "MX") ? $13 : (type == "A") ? $14 : ""
            gsub(/,/, " ", ans)
            r = ($12 in rc) ? rc[$12] : "rcode" $12
            print "dns-answer " type " " nm[1] " " r (ans != "" ? " " ans : "")
            next
        }
        if ($5 == 25) {                       # client -> server
            if ($15 != "") { last[s] = $15 ($16 != "" ? " " $16 : "") }
            else if ($8 > 0) { last[s] = "message" }
            next
        }
        if ($4 == 25 && $17 != "") {          # server -> client
            split($17, code, ",")
            print "smtp " (s in last ? last[s] : "greeting") " -> " code[1]
        }
    }'
}

# Expected event blocks.
dns_army() {
    printf '%s\n' "dns-query MX army.ml" "dns-answer MX army.ml NOERROR mail.army.ml" \
        "dns-query A mail.army.ml" "dns-answer A mail.army.ml NOERROR $MX_ARMY"
}
dns_gmial() {
    printf '%s\n' "dns-query MX gmial.com" "dns-answer MX gmial.com NOERROR mx.gmial.com" \
        "dns-query A mx.gmial.com" "dns-answer A mx.gmial.com NOERROR $MX_GMIAL"
}
# smtp_ok ADDR RCPT: a session whose recipient and message are accepted.
smtp_ok() {
    printf '%s\n' "connect $1:25" "smtp greeting -> 220" "smtp EHLO $EHLO_NAME -> 250" \
        "smtp MAIL FROM:<$SENDER> -> 250" "smtp RCPT TO:<$2> -> 250" \
        "smtp DATA -> 354" "smtp message -> 250" "smtp QUIT -> 221"
}
# smtp_rejected ADDR RCPT: a session whose only recipient gets a 550.
smtp_rejected() {
    printf '%s\n' "connect $1:25" "smtp greeting -> 220" "smtp EHLO $EHLO_NAME -> 250" \
        "smtp MAIL FROM:<$SENDER> -> 250" "smtp RCPT TO:<$2> -> 550" \
        "smtp QUIT -> 221"
}
expected() {
    case $1 in
        correlate-delivered.pcap)    dns_army; smtp_ok "$MX_ARMY" john@army.ml ;;
        correlate-rejected.pcap)     dns_gmial; smtp_rejected "$MX_GMIAL" mary@gmial.com ;;
        correlate-lookup-only.pcap)  dns_army ;;
        correlate-relay.pcap)        dns_army; smtp_ok "$MX_ARMY" bob@example.org ;;
        correlate-two-mistakes.pcap) dns_army; smtp_ok "$MX_ARMY" john@army.ml
                                     dns_gmial; smtp_rejected "$MX_GMIAL" mary@gmial.com ;;
    esac
}

for f in "${FILES[@]}"; do
    p=$WORK/$f
    [ -s "$p" ] || { bad "$f: missing or empty"; continue; }
    [ "$(capinfos -T -r -E "$p" 2>/dev/null | cut -f2)" = ether ] ||
        bad "$f: encapsulation is not Ethernet"
    got=$(timeline "$p")
    want=$(expected "$f")
    if [ "$got" != "$want" ]; then
        bad "$f: events differ:"$'\n'"$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") || true)"
    fi
    # Nothing but the test traffic: IPv4 DNS to dnsmasq and TCP to port 25.
    n=$(count "$p" "not ((udp.port == 53 && ip.addr == $DNS4) || tcp.port == 25) or not ip.addr == $C4")
    [ "$n" = 0 ] || bad "$f: $n packets that are neither DNS to $DNS4 nor SMTP"
    n=$(count "$p" 'tcp.analysis.lost_segment || tcp.analysis.out_of_order || tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.ack_lost_segment')
    [ "$n" = 0 ] || bad "$f: $n lost, reordered or retransmitted TCP segments"
    # The checks the brief names, each through its own display filter.
    n=$(count "$p" 'dns.flags.response == 1 && dns.qry.type == 15 && dns.mx.mail_exchange')
    [ "$n" -ge 1 ] || bad "$f: no MX answer"
    n=$(count "$p" 'dns.flags.response == 1 && dns.qry.type == 1 && dns.a')
    [ "$n" -ge 1 ] || bad "$f: no A answer"
done
# Exact packet count where it cannot vary: four DNS packets, no TCP.
n=$(capinfos -T -r -c "$WORK/correlate-lookup-only.pcap" 2>/dev/null | cut -f2)
[ "$n" = 4 ] || bad "correlate-lookup-only.pcap: $n packets, expected 4"
[ "$(count "$WORK/correlate-lookup-only.pcap" tcp)" = 0 ] || bad "correlate-lookup-only.pcap: has TCP"
# The DATA reply and the message reply, straight from smtp.response.code.
for f in correlate-delivered.pcap correlate-relay.pcap correlate-two-mistakes.pcap; do
    [ "$(count "$WORK/$f" 'smtp.response.code == 354')" -ge 1 ] || bad "$f: no 354 after DATA"
done
for f in correlate-rejected.pcap correlate-two-mistakes.pcap; do
    [ "$(count "$WORK/$f" 'smtp.response.code == 550 && ip.src == '"$MX_GMIAL")" = 1 ] ||
        bad "$f: no 550 from $MX_GMIAL"
    [ "$(count "$WORK/$f" 'smtp.req.command == "DATA" && ip.dst == '"$MX_GMIAL")" = 0 ] ||
        bad "$f: DATA sent to $MX_GMIAL"
done
# swaks really looked up the exchanger itself (not --server).
for name in delivered rejected two-1 two-2; do
    grep -qE '^=== Trying (mail\.army\.ml|mx\.gmial\.com):25\.\.\.' "$WORK/$name.log" ||
        bad "swaks ($name) did not connect to the exchanger it looked up: $(grep '^=== Trying' "$WORK/$name.log")"
done

[ "$fails" -eq 0 ] || die "$fails check(s) failed; nothing written to pcaps/"

# Reply lines as the servers sent them (for the README).
reply_line() {   # FILE DISPLAY-FILTER
    ts -r "$WORK/$1" -Y "$2" -T fields -E occurrence=f -e smtp.response.code -e smtp.rsp.parameter |
        head -n 1 | tr '\t' ' '
}
RCPT_OK=$(reply_line correlate-delivered.pcap "smtp.response.code == 250 && frame.number > $(
    ts -r "$WORK/correlate-delivered.pcap" -Y 'smtp.req.command == "RCPT"' -T fields -e frame.number | head -n 1)")
RCPT_550=$(reply_line correlate-rejected.pcap 'smtp.response.code == 550')
MSG_OK=$(reply_line correlate-delivered.pcap "smtp.response.code == 250 && frame.number > $(
    ts -r "$WORK/correlate-delivered.pcap" -Y 'smtp.response.code == 354' -T fields -e frame.number | head -n 1)")
DATA_354=$(reply_line correlate-delivered.pcap 'smtp.response.code == 354')
QUIT_OK=$(reply_line correlate-delivered.pcap 'smtp.response.code == 221')
QUIT_GMIAL=$(reply_line correlate-rejected.pcap 'smtp.response.code == 221')
# The timeline leaves AAAA questions out; say whether there were any.
n=0
for f in "${FILES[@]}"; do
    n=$((n + $(count "$WORK/$f" 'dns.qry.type == 28 && dns.flags.response == 0')))
done
if [ "$n" = 0 ]; then
    AAAA_NOTE="no AAAA lookup is made (swaks connects over IPv4 with IO::Socket::INET; the namespaces have no IPv6)"
else
    AAAA_NOTE="that resolver also asks for the exchanger's AAAA record ($n AAAA questions in all; swaks connects through IO::Socket::INET6), which has none"
fi

# Move the new captures into place only now that all were recorded and
# verified.
mkdir -p "$OUT"
for f in "${FILES[@]}"; do
    chmod 0644 "$WORK/$f"
    mv -f "$WORK/$f" "$OUT/$f"
done

# ------------------------------------------------------------ README.md
npk() { capinfos -T -r -c "$OUT/$1" 2>/dev/null | cut -f2; }
SECTION=$WORK/readme-section.md
cat >"$SECTION" <<EOF
<!-- BEGIN record-correlation-pcaps.sh (generated; edit the script, not this part) -->
## Correlation captures: did the mail leave?

Recorded by \`sudo scripts/record-correlation-pcaps.sh\`, which replaces only
this part of the file (between the BEGIN/END marker lines; it appends it when
the markers are missing, so run it after \`scripts/record-pcaps.sh\`).  Two
network namespaces joined by a veth pair, captured with tcpdump on the client
veth (Ethernet, link type 1, IPv4 only; snapshot length 2048).  Client
$C4; in the server namespace dnsmasq on $DNS4 and one SMTP server (port 25)
per mail exchanger:

| Domain | MX (preference 10) | A | SMTP server there |
|--------|--------------------|---|-------------------|
| army.ml (typo of army.mil) | mail.army.ml | $MX_ARMY | Postfix smtp-sink: accepts every recipient and message |
| gmial.com (typo of gmail.com) | mx.gmial.com | $MX_GMIAL | a private Postfix smtpd instance (\`smtpd_recipient_restrictions = reject\`, \`reject_code = 550\`): every RCPT gets \`$RCPT_550\` |
| example.org (no typo) | mx.example.org | $MX_EXAMPLE | Postfix smtp-sink: accepts (no capture connects to it) |

Every record has a TTL of 300 s; dnsmasq also puts the exchanger's A record
in the additional section of each MX answer.  The client's resolver is dnsmasq (\`nameserver $DNS4\`, in a
resolv.conf that \`ip netns exec\` bind-mounts over /etc/resolv.conf).  The
mail client is swaks (\`--ehlo $EHLO_NAME --from $SENDER\`; a message of
three header lines, From/To/Subject, and three body lines) run WITHOUT
\`--server\`: it makes the MX lookup itself (perl Net::DNS) and the C library
resolver then looks up the exchanger's A record when swaks connects;
$AAAA_NOTE.  Lookups without mail are
made by dig through the same resolver (\`dig MX army.ml\`, \`dig A
mail.army.ml\`: its queries carry an EDNS OPT record with a cookie; those of
swaks and the C library have no OPT record).  Every DNS exchange is one UDP query
and one response; every SMTP session is one TCP connection from an
ephemeral client port to server port 25, with EHLO, MAIL FROM:<$SENDER>,
one RCPT, then either DATA + message + QUIT or QUIT.  Replies as sent: RCPT
accepted \`$RCPT_OK\`, DATA \`$DATA_354\`, message accepted \`$MSG_OK\`, RCPT
rejected \`$RCPT_550\`, QUIT \`$QUIT_OK\` (smtp-sink) / \`$QUIT_GMIAL\`
(Postfix smtpd).  Same commands
in the same order on every run; timestamps, DNS ids, ports and sequence
numbers differ, and the SMTP captures' packet counts can differ by an ACK or
two.

| File | Packets | In order | DNS lookups (name -> answer) | SMTP server, RCPT TO | RCPT reply | Message reply |
|------|---------|----------|------------------------------|----------------------|------------|---------------|
| correlate-delivered.pcap | $(npk correlate-delivered.pcap) | \`swaks --to john@army.ml\`: its MX lookup, its A lookup, its SMTP session | MX army.ml -> mail.army.ml; A mail.army.ml -> $MX_ARMY | $MX_ARMY:25, \`<john@army.ml>\` | 250 | 250 (after DATA 354): the mail left |
| correlate-rejected.pcap | $(npk correlate-rejected.pcap) | \`swaks --to mary@gmial.com\`: MX lookup, A lookup, SMTP session ending with QUIT after the rejected RCPT (no DATA) | MX gmial.com -> mx.gmial.com; A mx.gmial.com -> $MX_GMIAL | $MX_GMIAL:25, \`<mary@gmial.com>\` | 550 | none (no DATA): the mail did not leave |
| correlate-lookup-only.pcap | $(npk correlate-lookup-only.pcap) | \`dig MX army.ml\`, \`dig A mail.army.ml\`; no TCP at all | MX army.ml -> mail.army.ml; A mail.army.ml -> $MX_ARMY | none | none | none: looked up, nothing sent |
| correlate-relay.pcap | $(npk correlate-relay.pcap) | \`dig MX army.ml\`, \`dig A mail.army.ml\`, then \`swaks --server $MX_ARMY --to bob@example.org\` (no lookup by swaks): the recipient's domain is no typo, but the mail goes to the address learned for the typo domain's exchanger | MX army.ml -> mail.army.ml; A mail.army.ml -> $MX_ARMY | $MX_ARMY:25, \`<bob@example.org>\` | 250 | 250 (after DATA 354): the mail left, to mail.army.ml |
| correlate-two-mistakes.pcap | $(npk correlate-two-mistakes.pcap) | two mistakes from the same client: the session of correlate-delivered.pcap, then the one of correlate-rejected.pcap (each with its own lookups, on two TCP connections) | MX army.ml -> mail.army.ml; A mail.army.ml -> $MX_ARMY; then MX gmial.com -> mx.gmial.com; A mx.gmial.com -> $MX_GMIAL | $MX_ARMY:25 \`<john@army.ml>\`; then $MX_GMIAL:25 \`<mary@gmial.com>\` | 250; 550 | 250 (delivered); none (rejected): two incidents |
<!-- END record-correlation-pcaps.sh -->
EOF
"$PY" - "$OUT/README.md" "$SECTION" <<'PYEOF'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if os.path.exists(path) else ""
pat = re.compile(r"<!-- BEGIN record-correlation-pcaps\.sh.*?<!-- END record-correlation-pcaps\.sh -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda _m: section, text, count=1)
else:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
open(path, "w").write(text)
PYEOF

# ------------------------------------------------------------- summary
log "== summary"
for f in "${FILES[@]}"; do
    printf '%s: %s packets, %s bytes\n' "$f" "$(npk "$f")" "$(stat -c %s "$OUT/$f")"
    ts -r "$OUT/$f" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
        -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport |
        awk -F'\t' '{ printf "    connection %s:%s -> %s:%s\n", $1, $2, $3, $4 }'
    timeline "$OUT/$f" | sed 's/^/    /'
done
log "== all captures recorded and verified in pcaps/"
