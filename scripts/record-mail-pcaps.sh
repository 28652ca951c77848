#!/usr/bin/env bash
# record-mail-pcaps.sh — re-record the "did the mail leave?" captures of
# real mail servers talking to each other: a sending Postfix that looks up
# MX records through a resolver and delivers over STARTTLS (or implicit
# TLS), and a receiving Postfix smtpd with a self-signed certificate.
#
# Usage (from the repository root, as root):
#
#     sudo scripts/record-mail-pcaps.sh
#
# What it does
#   Two network namespaces, "typosentry-mail-client" and
#   "typosentry-mail-server", joined by a veth pair carrying IPv4 and IPv6
#   (documentation prefixes 192.0.2.0/24 and 2001:db8::/64 that exist only
#   inside them).  The server namespace holds dnsmasq (the resolver, on
#   192.0.2.53) and one private Postfix instance whose smtpd listens on one
#   address per mail exchange; the client namespace holds a second private
#   Postfix instance, the sender (smtp_tls_security_level = may,
#   smtp_tls_servername = hostname, inet_protocols = all), whose smtp client
#   resolves MX, A and AAAA records through dnsmasq (resolv.conf of the
#   namespace, bind-mounted by ip netns exec).  A message is handed to the
#   sender with its own sendmail(1) -C; the script waits for the delivery
#   result in the sender's log.  tcpdump on the client veth captures
#   everything (snap length 262144: whole segments, for the TLS records).
#
#     domain        MX (pref)               address           smtpd there
#     army.ml       mail.army.ml (10)       192.0.2.25        accepts; STARTTLS
#     gmial.com     mx.gmial.com (10)       192.0.2.26        STARTTLS, then
#                                                             rejects every RCPT
#     hotmial.com   mx.hotmial.com (10)     2001:db8::25 only accepts; STARTTLS
#                                           (no A record)
#     gmail.com     mx.gmail.com (10)       192.0.2.27        accepts; STARTTLS
#     outlok.com    mx1.outlok.com (10)     192.0.2.28        nothing listens:
#                                                             refused (RST)
#                   mx2.outlok.com (20)     192.0.2.29        accepts; STARTTLS,
#                                                             TLS 1.2 at most (the
#                                                             certificate travels
#                                                             in the clear)
#     yahooo.com    smtp.yahooo.com (10)    192.0.2.30:465    implicit TLS
#                                                             (smtpd_tls_wrappermode)
#
#   Each smtpd has its own self-signed certificate (made with openssl for
#   its exchange name, CN and subjectAltName).  Mail for yahooo.com goes
#   through a transport "smtps465:yahooo.com:465" (smtp with
#   smtp_tls_wrappermode = yes): an MX lookup, then TLS from the first
#   byte on port 465.  Bounces to the sender (example.org) are discarded by
#   the sending Postfix, so nothing but the deliveries is on the wire.
#
#   Captures written to pcaps/ (overwritten on every run):
#     mail-tls-small.pcap     alice -> john@army.ml, a 3 KB message: delivered
#     mail-tls-large.pcap     alice -> john@army.ml, a 200 KB message: delivered
#     mail-tls-tiny.pcap      alice -> john@army.ml, a 1-byte body: delivered
#     mail-tls-rejected.pcap  alice -> mary@gmial.com: 550 inside TLS, bounced
#     mail-tls-aaaa-only.pcap alice -> joe@hotmial.com: MX and A/AAAA
#                             lookups over IPv4, delivery over IPv6
#     mail-tls-benign.pcap    alice -> ann@gmail.com (the protected domain)
#     mail-tls-fallback.pcap  alice -> sam@outlok.com: mx1 refuses, mx2
#                             delivers over TLS 1.2
#     mail-tls-465.pcap       alice -> kim@yahooo.com over implicit TLS
#
# Requirements: root, iproute2, dnsmasq, postfix (master, smtpd, smtp,
# sendmail, postconf), openssl, tcpdump, tshark, flock, setsid, python3.
# The system's Postfix need not be configured or running; this script never
# uses it.  No nscd.
#
# pcaps/README.md: only the part between this script's marker lines is
# rewritten (README_ONLY=1 rewrites it from the captures already there,
# without recording).
#
# Every background process the script starts is stopped by its PID; the
# namespaces and the /etc/netns files are removed on exit (also on error or
# Ctrl-C).  With KEEP_WORK=1 a failed run keeps its temporary directory.
set -euo pipefail

NS_C=typosentry-mail-client
NS_S=typosentry-mail-server
PY=/usr/bin/python3
C_ETH=mc-veth; S_ETH=ms-veth
C_MAC=02:00:00:00:1d:01; S_MAC=02:00:00:00:1d:53
C4=192.0.2.1; C6=2001:db8::1
DNS4=192.0.2.53
MX_ARMY=192.0.2.25; MX_GMIAL=192.0.2.26; MX_GMAIL=192.0.2.27
MX_OUTLOK1=192.0.2.28; MX_OUTLOK2=192.0.2.29; MX_YAHOOO=192.0.2.30
MX_HOTMIAL6=2001:db8::25
SENDER=alice@example.org
NETNS_ETC=/etc/netns/$NS_C

# Messages, the one-recorder lock, stopping by PID, waiting for a server,
# removing the namespaces on exit (scripts/netns-lib.sh); the /etc/netns
# files go too (cleanup_hook).
REC_NAME=record-mail-pcaps
NAMESPACES=("$NS_C" "$NS_S")
. "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

need_cmds ip dnsmasq tcpdump tshark flock postconf openssl setsid ss "$PY"
for s in /run/nscd/socket /var/run/nscd/socket; do
    [ -S "$s" ] && die "nscd is running ($s): lookups would bypass the namespace's resolver"
done
getent passwd postfix >/dev/null && getent group postdrop >/dev/null ||
    die "user postfix / group postdrop missing (install postfix)"

# ------------------------------------------------------------ README.md
# readme_section: the part of pcaps/README.md between this script's
# markers, rewritten from the captures in pcaps/ (appended when missing).
npk() { tshark -n -r "$OUT/$1" 2>/dev/null | wc -l; }
readme_section() {
    local sec
    sec=$(mktemp -t typosentry-mail-readme.XXXXXX)
    cat >"$sec" <<EOF
<!-- BEGIN record-mail-pcaps.sh (generated; edit the script, not this part) -->
## Mail between real servers: STARTTLS, implicit TLS, dual stack

Recorded by \`sudo scripts/record-mail-pcaps.sh\` (it replaces only this
part of the file).  Two network namespaces joined by a veth pair (IPv4
192.0.2.0/24 and IPv6 2001:db8::/64), captured with tcpdump on the client
veth (Ethernet, snap length 262144).  The client namespace runs a private
sending Postfix (\`smtp_tls_security_level = may\`, \`smtp_tls_servername =
hostname\`, \`inet_protocols = all\`) whose smtp client looks up MX, A and
AAAA records through dnsmasq ($DNS4) in the server namespace; a private
receiving Postfix there listens on one address per exchange, each with its
own self-signed certificate (CN and subjectAltName: the exchange's name).
Messages are handed to the sender with its own \`sendmail -C\`; the script
waits for the delivery status in the sender's log.

| Domain | MX | Address | smtpd there |
|--------|----|---------|-------------|
| army.ml | mail.army.ml (10) | $MX_ARMY | accepts, STARTTLS (TLS 1.3) |
| gmial.com | mx.gmial.com (10) | $MX_GMIAL | STARTTLS, then rejects every RCPT (550) |
| hotmial.com | mx.hotmial.com (10) | $MX_HOTMIAL6 only (no A record) | accepts, STARTTLS |
| gmail.com (protected) | mx.gmail.com (10) | $MX_GMAIL | accepts, STARTTLS |
| outlok.com | mx1.outlok.com (10), mx2.outlok.com (20) | $MX_OUTLOK1 (nothing listens: RST), $MX_OUTLOK2 | mx2 accepts, STARTTLS, TLS 1.2 at most, no anonymous ciphers: the certificate travels in the clear |
| yahooo.com | smtp.yahooo.com (10) | $MX_YAHOOO, port 465 | implicit TLS (\`smtpd_tls_wrappermode\`); the sender's transport for yahooo.com is smtp with \`smtp_tls_wrappermode = yes\` to port 465, after an MX lookup |

| File | Packets | Message | What happens |
|------|---------|---------|--------------|
| mail-tls-small.pcap | $(npk mail-tls-small.pcap) | alice@example.org to john@army.ml, 3,000-byte body | MX, A, AAAA lookups; STARTTLS, TLS 1.3; 250 (delivered) |
| mail-tls-large.pcap | $(npk mail-tls-large.pcap) | to john@army.ml, 200,000-byte body | the same, 200 KB |
| mail-tls-tiny.pcap | $(npk mail-tls-tiny.pcap) | to john@army.ml, a 1-byte body | the same, the smallest message |
| mail-tls-rejected.pcap | $(npk mail-tls-rejected.pcap) | to mary@gmial.com | STARTTLS, then inside TLS MAIL, RCPT and DATA pipelined, 550 and 554, QUIT; the message bounces (the bounce is discarded by the sender) |
| mail-tls-aaaa-only.pcap | $(npk mail-tls-aaaa-only.pcap) | to joe@hotmial.com | MX and A/AAAA lookups over IPv4, the session over IPv6 from $C6 to $MX_HOTMIAL6 |
| mail-tls-benign.pcap | $(npk mail-tls-benign.pcap) | to ann@gmail.com | the protected domain itself: STARTTLS, delivered |
| mail-tls-fallback.pcap | $(npk mail-tls-fallback.pcap) | to sam@outlok.com | mx1 refuses (RST), mx2 delivers over TLS 1.2 with its certificate in the clear |
| mail-tls-465.pcap | $(npk mail-tls-465.pcap) | to kim@yahooo.com | MX lookup, then implicit TLS on port 465 from the first byte; delivered |
<!-- END record-mail-pcaps.sh -->
EOF
    "$PY" - "$OUT/README.md" "$sec" <<'PYEOF'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if os.path.exists(path) else ""
pat = re.compile(r"<!-- BEGIN record-mail-pcaps\.sh.*?<!-- END record-mail-pcaps\.sh -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda _m: section, text, count=1)
else:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
open(path, "w").write(text)
PYEOF
    rm -f "$sec"
}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/pcaps
if [ "${README_ONLY:-0}" = 1 ]; then
    readme_section
    log "== pcaps/README.md section rewritten"
    exit 0
fi

# The root check, the lock, $WORK and the exit trap.
netns_init typosentry-mail
chmod 0711 "$WORK"

remove_netns_etc() {
    rm -f "$NETNS_ETC/resolv.conf" "$NETNS_ETC/hosts"
    rmdir "$NETNS_ETC" 2>/dev/null || true
    rmdir /etc/netns 2>/dev/null || true
}
cleanup_hook() { remove_netns_etc; }

nsc() { ip netns exec "$NS_C" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

# wait_listen NS PROTO ADDR PORT WHAT PID LOG (an IPv6 ADDR in brackets).
wait_listen() {
    local addr=${3#[}
    wait_listen_in "$1" "$2" "${addr%]}" "$4" "$5" "$6" "$7"
}

# ---------------------------------------------------------------- network
log "== namespaces $NS_C and $NS_S"
remove_netns_etc
for ns in "$NS_C" "$NS_S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=0 \
        net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.default.addr_gen_mode=1 net.ipv4.tcp_no_metrics_save=1
done
ip link add "$C_ETH" netns "$NS_C" type veth peer name "$S_ETH" netns "$NS_S"
ip -n "$NS_C" link set dev "$C_ETH" address "$C_MAC"
ip -n "$NS_S" link set dev "$S_ETH" address "$S_MAC"
for ns_dev in "$NS_C:$C_ETH" "$NS_S:$S_ETH"; do
    ns=${ns_dev%%:*}; dev=${ns_dev#*:}
    # No link-local address, no MLD or router solicitation on the link.
    ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$dev.addr_gen_mode=1" \
        "net.ipv6.conf.$dev.router_solicitations=0" "net.ipv6.conf.$dev.accept_dad=0"
done
ip -n "$NS_C" addr add "$C4/24" dev "$C_ETH"
ip -n "$NS_C" addr add "$C6/64" dev "$C_ETH" nodad
for a in "$DNS4" "$MX_ARMY" "$MX_GMIAL" "$MX_GMAIL" "$MX_OUTLOK1" "$MX_OUTLOK2" "$MX_YAHOOO"; do
    ip -n "$NS_S" addr add "$a/24" dev "$S_ETH"
done
ip -n "$NS_S" addr add "$MX_HOTMIAL6/64" dev "$S_ETH" nodad
ip -n "$NS_C" link set dev "$C_ETH" gso_max_segs 1 up
ip -n "$NS_S" link set dev "$S_ETH" gso_max_segs 1 up
for a in "$DNS4" "$MX_ARMY" "$MX_GMIAL" "$MX_GMAIL" "$MX_OUTLOK1" "$MX_OUTLOK2" "$MX_YAHOOO" "$MX_HOTMIAL6"; do
    ip -n "$NS_C" neigh replace "$a" lladdr "$S_MAC" dev "$C_ETH" nud permanent
done
ip -n "$NS_S" neigh replace "$C4" lladdr "$C_MAC" dev "$S_ETH" nud permanent
ip -n "$NS_S" neigh replace "$C6" lladdr "$C_MAC" dev "$S_ETH" nud permanent
# A gentle rate (20 Mbit/s each way) so that tcpdump keeps up with the
# 200 KB message on a busy machine.
if command -v tc >/dev/null 2>&1; then
    ip netns exec "$NS_C" tc qdisc add dev "$C_ETH" root tbf rate 20mbit burst 32kb latency 400ms
    ip netns exec "$NS_S" tc qdisc add dev "$S_ETH" root tbf rate 20mbit burst 32kb latency 400ms
fi
# Nothing may offload or delay: no TSO/GRO either way.
for ns_dev in "$NS_C:$C_ETH" "$NS_S:$S_ETH"; do
    ns=${ns_dev%%:*}; dev=${ns_dev#*:}
    ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off >/dev/null 2>&1 || true
done

mkdir -p "$NETNS_ETC"
printf '# record-mail-pcaps.sh (removed on exit)\nnameserver %s\n' "$DNS4" >"$NETNS_ETC/resolv.conf"
printf '# record-mail-pcaps.sh (removed on exit)\n127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$NETNS_ETC/hosts"
chmod 0644 "$NETNS_ETC/resolv.conf" "$NETNS_ETC/hosts"

# ------------------------------------------------------------------ DNS
log "== dnsmasq on $DNS4"
# shellcheck disable=SC2054
DNSMASQ_ARGS=(
    --keep-in-foreground --conf-file=/dev/null --pid-file=
    --no-resolv --no-hosts --no-poll --bind-interfaces
    --user=nobody --group=nogroup --log-facility=- --log-queries
    "--listen-address=$DNS4" --local-ttl=300
    --local=/army.ml/gmial.com/hotmial.com/gmail.com/outlok.com/yahooo.com/example.org/
    --mx-host=army.ml,mail.army.ml,10
    --mx-host=gmial.com,mx.gmial.com,10
    --mx-host=hotmial.com,mx.hotmial.com,10
    --mx-host=gmail.com,mx.gmail.com,10
    --mx-host=outlok.com,mx1.outlok.com,10
    --mx-host=outlok.com,mx2.outlok.com,20
    --mx-host=yahooo.com,smtp.yahooo.com,10
    "--host-record=mail.army.ml,$MX_ARMY"
    "--host-record=mx.gmial.com,$MX_GMIAL"
    "--host-record=mx.hotmial.com,$MX_HOTMIAL6"
    "--host-record=mx.gmail.com,$MX_GMAIL"
    "--host-record=mx1.outlok.com,$MX_OUTLOK1"
    "--host-record=mx2.outlok.com,$MX_OUTLOK2"
    "--host-record=smtp.yahooo.com,$MX_YAHOOO"
)
ip netns exec "$NS_S" dnsmasq "${DNSMASQ_ARGS[@]}" >"$WORK/dnsmasq.log" 2>&1 9>&- &
DNSMASQ_PID=$!; BG_PIDS+=("$DNSMASQ_PID")
wait_listen "$NS_S" u "$DNS4" 53 dnsmasq "$DNSMASQ_PID" "$WORK/dnsmasq.log"

# ---------------------------------------------------------- certificates
log "== self-signed certificates"
mkdir -p "$WORK/certs"
for name in mail.army.ml mx.gmial.com mx.hotmial.com mx.gmail.com mx2.outlok.com smtp.yahooo.com; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$WORK/certs/$name.key" -out "$WORK/certs/$name.crt" -days 3650 \
        -subj "/CN=$name" -addext "subjectAltName=DNS:$name" >/dev/null 2>&1 ||
        die "openssl could not make a certificate for $name"
    cat "$WORK/certs/$name.key" "$WORK/certs/$name.crt" >"$WORK/certs/$name.pem"
done
chmod 0755 "$WORK/certs"; chmod 0644 "$WORK/certs/"*

# -------------------------------------------------------------- Postfix
# pf_setup DIR: an empty private instance (queue, data, own main.cf and
# master.cf written by the caller), as in record-correlation-pcaps.sh.
daemon_dir=$(postconf -dh daemon_directory)
shlib_dir=$(postconf -dh shlib_directory)
pf_setup() {
    local pfx=$1 d
    mkdir -p "$pfx/etc" "$pfx/data" "$pfx/spool"
    chmod 0755 "$pfx" "$pfx/etc"
    chown postfix "$pfx/data"
    for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        mkdir -p "$pfx/spool/$d"; chown postfix "$pfx/spool/$d"; chmod 0700 "$pfx/spool/$d"
    done
    mkdir -p "$pfx/spool/public" "$pfx/spool/maildrop" "$pfx/spool/pid"
    chown postfix:postdrop "$pfx/spool/public" "$pfx/spool/maildrop"
    chmod 0710 "$pfx/spool/public"; chmod 0730 "$pfx/spool/maildrop"; chmod 0755 "$pfx/spool/pid"
}
pf_common() {	# DIR HOSTNAME
    cat <<EOF
compatibility_level = 3.6
queue_directory = $1/spool
data_directory = $1/data
daemon_directory = $daemon_dir
shlib_directory = $shlib_dir
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $1
maillog_file = $1/maillog
myhostname = $2
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtpd_peername_lookup = no
EOF
}
pf_services() {
    cat <<EOF
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
tlsmgr    unix  - - n 1000? 1 tlsmgr
EOF
}
pf_start() {	# NS DIR NAME -> sets PF_PID
    local ns=$1 pfx=$2 name=$3
    ip netns exec "$ns" setsid "$daemon_dir/master" -c "$pfx/etc" -d -e 900 \
        >"$WORK/$name-master.log" 2>&1 9>&- &
    PF_PID=$!; BG_PIDS+=("$PF_PID")
}

log "== receiving Postfix in $NS_S"
PFS=$WORK/pf-server
pf_setup "$PFS"
{
    pf_common "$PFS" mail.army.ml
    cat <<EOF
inet_interfaces = all
inet_protocols = all
mynetworks =
relay_domains = army.ml gmial.com hotmial.com gmail.com outlok.com yahooo.com
smtpd_relay_restrictions = permit_auth_destination, reject
smtpd_recipient_restrictions = permit_auth_destination, reject
smtpd_client_connection_count_limit = 0
smtpd_banner = \$myhostname ESMTP
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
relay_transport = discard:test sink
default_transport = discard:test sink
smtp_dns_support_level = disabled
message_size_limit = 10240000
EOF
} >"$PFS/etc/main.cf"
svc() {	# ADDR:PORT NAME [OPTIONS...]
    local listen=$1 name=$2; shift 2
    printf '%s inet n - n - - smtpd\n  -o myhostname=%s\n  -o smtpd_tls_chain_files=%s\n' \
        "$listen" "$name" "$WORK/certs/$name.pem"
    local o; for o in "$@"; do printf '  -o %s\n' "$o"; done
}
{
    svc "$MX_ARMY:25" mail.army.ml
    svc "$MX_GMIAL:25" mx.gmial.com "smtpd_recipient_restrictions=reject" "reject_code=550"
    svc "[$MX_HOTMIAL6]:25" mx.hotmial.com
    svc "$MX_GMAIL:25" mx.gmail.com
    svc "$MX_OUTLOK2:25" mx2.outlok.com "smtpd_tls_protocols=<=TLSv1.2" "smtpd_tls_exclude_ciphers=aNULL"
    svc "$MX_YAHOOO:465" smtp.yahooo.com "smtpd_tls_wrappermode=yes"
    pf_services
} >"$PFS/etc/master.cf"
pf_start "$NS_S" "$PFS" server; PFS_PID=$PF_PID
wait_listen "$NS_S" t "$MX_ARMY" 25 "receiving Postfix" "$PFS_PID" "$WORK/server-master.log"
wait_listen "$NS_S" t "$MX_YAHOOO" 465 "receiving Postfix" "$PFS_PID" "$WORK/server-master.log"
wait_listen "$NS_S" t "[$MX_HOTMIAL6]" 25 "receiving Postfix" "$PFS_PID" "$WORK/server-master.log"

log "== sending Postfix in $NS_C"
PFC=$WORK/pf-client
pf_setup "$PFC"
{
    pf_common "$PFC" client.example.org
    cat <<EOF
mydomain = example.org
myorigin = example.org
inet_interfaces = loopback-only
inet_protocols = all
smtp_tls_security_level = may
smtp_tls_servername = hostname
smtp_tls_loglevel = 1
smtp_connection_cache_on_demand = no
smtp_address_preference = any
transport_maps = texthash:$PFC/etc/transport
notify_classes =
EOF
} >"$PFC/etc/main.cf"
printf 'example.org discard:\nyahooo.com smtps465:yahooo.com:465\n' >"$PFC/etc/transport"
{
    pf_services
    printf 'smtps465  unix  - - n - - smtp\n  -o smtp_tls_wrappermode=yes\n  -o smtp_tls_security_level=encrypt\n'
} >"$PFC/etc/master.cf"
pf_start "$NS_C" "$PFC" client; PFC_PID=$PF_PID
for ((i = 0; i < 100; i++)); do
    [ -e "$PFC/spool/public/pickup" ] && break
    kill -0 "$PFC_PID" 2>/dev/null || { cat "$WORK/client-master.log" >&2; die "sending Postfix exited"; }
    sleep 0.1
done
[ -e "$PFC/spool/public/pickup" ] || die "sending Postfix has no pickup service"
sleep 1

# ------------------------------------------------------------ messages
# message FILE TO BODY-BYTES: headers and a body of BODY-BYTES bytes in
# lines of 76 characters (a 1-byte body is the single character "x").
message() {
    local f=$1 to=$2 n=$3
    {
        printf 'From: Alice <%s>\nTo: <%s>\nSubject: typosentry test, %s-byte body\n\n' "$SENDER" "$to" "$n"
        "$PY" - "$n" <<'PYEOF'
import sys
n = int(sys.argv[1])
if n <= 1:
    sys.stdout.write("x" * n + "\n")
else:
    line = "The quick brown fox jumps over the lazy dog, again and again, and then some.\n"
    out = (line * (n // len(line) + 1))[:n - 1] + "\n"
    sys.stdout.write(out)
PYEOF
    } >"$f"
}

CAP_PID=
cap_start() {
    CAP_NAME=$1
    ip netns exec "$NS_C" tcpdump -i "$C_ETH" -U -s 262144 -B 65536 -n -Z root --immediate-mode \
        -w "$WORK/$CAP_NAME" >"$WORK/$CAP_NAME.log" 2>&1 9>&- &
    CAP_PID=$!; BG_PIDS+=("$CAP_PID")
    for ((i = 0; i < 100; i++)); do
        grep -q "listening on" "$WORK/$CAP_NAME.log" 2>/dev/null && return 0
        sleep 0.1
    done
    die "tcpdump ($CAP_NAME) did not start"
}
cap_stop() {
    sleep 1
    stop_pid "$CAP_PID"; CAP_PID=
    # tcpdump writes its statistics as it exits.
    for ((i = 0; i < 20; i++)); do
        grep -q 'packets dropped by kernel' "$WORK/$CAP_NAME.log" && break
        sleep 0.1
    done
    grep -q '^0 packets dropped by kernel' "$WORK/$CAP_NAME.log" ||
        { cat "$WORK/$CAP_NAME.log" >&2; die "tcpdump ($CAP_NAME) lost packets"; }
}

# send NAME TO BODY-BYTES WANT: a message through the sending Postfix; wait
# (max 30 s) for its delivery status in the sender's log: WANT is sent or
# bounced.
send() {
    local name=$1 to=$2 n=$3 want=$4 i st
    message "$WORK/$name.eml" "$to" "$n"
    : >"$PFC/maillog.mark"
    local before; before=$(wc -l <"$PFC/maillog" 2>/dev/null || echo 0)
    nsc /usr/sbin/sendmail -C "$PFC/etc" -f "$SENDER" "$to" <"$WORK/$name.eml" ||
        die "sendmail ($name) failed"
    for ((i = 0; i < 300; i++)); do
        st=$(tail -n +"$((before + 1))" "$PFC/maillog" 2>/dev/null |
            sed -n "s/.*to=<$to>.*status=\([a-z]*\).*/\1/p" | head -n 1)
        [ -n "$st" ] && break
        sleep 0.1
    done
    tail -n +"$((before + 1))" "$PFC/maillog" >"$WORK/$name.maillog" 2>/dev/null || true
    [ "$st" = "$want" ] || { cat "$WORK/$name.maillog" >&2; die "$name: delivery status '${st:-none}', expected $want"; }
    printf '   %s: %s (%s-byte body) -> %s\n' "$name" "$to" "$n" "$st"
    # Let the sessions close (QUIT, FIN both ways) before the capture ends.
    sleep 1
}

record() {	# FILE TO BODY-BYTES WANT
    log "== $1"
    cap_start "$1"
    send "${1%.pcap}" "$2" "$3" "$4"
    cap_stop
}

record mail-tls-small.pcap john@army.ml 3000 sent
record mail-tls-large.pcap john@army.ml 200000 sent
record mail-tls-tiny.pcap john@army.ml 1 sent
record mail-tls-rejected.pcap mary@gmial.com 3000 bounced
record mail-tls-aaaa-only.pcap joe@hotmial.com 3000 sent
record mail-tls-benign.pcap ann@gmail.com 3000 sent
record mail-tls-fallback.pcap sam@outlok.com 3000 sent
record mail-tls-465.pcap kim@yahooo.com 3000 sent

stop_pid "$PFC_PID"; stop_pid "$PFS_PID"; stop_pid "$DNSMASQ_PID"

# ------------------------------------------------------------- verifying
log "== verifying with tshark"
FILES=(mail-tls-small.pcap mail-tls-large.pcap mail-tls-tiny.pcap mail-tls-rejected.pcap
       mail-tls-aaaa-only.pcap mail-tls-benign.pcap mail-tls-fallback.pcap mail-tls-465.pcap)
fails=0
bad() { printf '   FAIL %s\n' "$*" >&2; fails=$((fails + 1)); }
count() { tshark -n -r "$WORK/$1" -Y "$2" 2>/dev/null | wc -l; }
expect() {	# FILE FILTER MIN WHAT
    local n; n=$(count "$1" "$2")
    [ "$n" -ge "$3" ] || bad "$1: $4 ($2: $n, expected at least $3)"
}
none() {	# FILE FILTER WHAT
    local n; n=$(count "$1" "$2")
    [ "$n" -eq 0 ] || bad "$1: $3 ($2: $n, expected none)"
}
for f in "${FILES[@]}"; do
    expect "$f" 'dns.qry.type == 15 && dns.flags.response == 1' 1 "an MX answer"
done
for f in mail-tls-small.pcap mail-tls-large.pcap mail-tls-tiny.pcap mail-tls-rejected.pcap \
         mail-tls-aaaa-only.pcap mail-tls-benign.pcap mail-tls-fallback.pcap; do
    expect "$f" 'tcp.dstport == 25 && tcp.payload contains "STARTTLS\r\n"' 1 "STARTTLS"
    expect "$f" 'smtp.response.code == 220 && frame contains "Ready to start TLS"' 1 "STARTTLS accepted"
    expect "$f" 'tls.handshake.type == 1' 1 "a ClientHello"
    expect "$f" 'tls.handshake.extensions_server_name' 1 "SNI"
done
expect mail-tls-aaaa-only.pcap 'ipv6 && tcp.flags.syn == 1 && tcp.flags.ack == 0' 1 "a SYN over IPv6"
none mail-tls-aaaa-only.pcap 'ipv6 && dns' "DNS over IPv6"
expect mail-tls-fallback.pcap "ip.src == $MX_OUTLOK1 && tcp.flags.reset == 1" 1 "a refusal from mx1"
expect mail-tls-fallback.pcap 'tls.handshake.type == 11' 1 "a certificate in the clear (TLS 1.2)"
expect mail-tls-465.pcap 'tcp.dstport == 465 && tls.handshake.type == 1' 1 "a ClientHello on port 465"
none mail-tls-465.pcap 'smtp' "cleartext SMTP on 465"
[ "$fails" -eq 0 ] || die "$fails check(s) failed"

mkdir -p "$OUT"
for f in "${FILES[@]}"; do chmod 0644 "$WORK/$f"; mv -f "$WORK/$f" "$OUT/$f"; done
readme_section
log "== summary"
for f in "${FILES[@]}"; do
    printf '%s: %s packets, %s bytes\n' "$f" "$(tshark -n -r "$OUT/$f" 2>/dev/null | wc -l)" "$(stat -c %s "$OUT/$f")"
done
log "== all captures recorded and verified in pcaps/"
