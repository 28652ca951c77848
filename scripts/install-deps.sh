#!/bin/sh
# install-deps.sh — install the build and test dependencies that are missing.
#
# Called by `make check`, `make demo` and CI on a Debian 12 machine.  It is
# idempotent: when every package is already installed it does nothing and
# needs no network.  It must run as root when something is missing.
set -eu

# Build: compiler, pkg-config, libpcap, ldns, libyaml, libpsl (the Public
# Suffix List, used to decide which edited TLDs exist), hiredis (EVE to
# Redis, output.redis).
BUILD_PKGS="gcc make pkg-config libpcap-dev libldns-dev libyaml-dev libpsl-dev publicsuffix libidn2-dev libicu-dev libhiredis-dev"
# Tests: the cmocka unit-test framework, tshark as the decoder oracle,
# python3-jsonschema to validate EVE output against Suricata's schema,
# dnsmasq + dig/drill + tcpdump to re-record captures; rsyslog (a private
# rsyslogd receives the syslog alerts), logrotate (the shipped snippet),
# tcpreplay (the live drop test), groff-base and man-db (the man page),
# cppcheck and clang-tidy (scripts/lint.sh), chromium (renders the HTML
# report headless: tests/report_browser.py), redis-server (a private one
# receives EVE records in the Redis test).
TEST_PKGS="libcmocka-dev tshark python3 python3-jsonschema python3-yaml dnsmasq bind9-dnsutils ldnsutils tcpdump iproute2 postfix swaks libnet-ssleay-perl libnet-dns-perl libio-socket-inet6-perl openssl time rsyslog logrotate tcpreplay groff-base man-db cppcheck clang-tidy chromium redis-server"

# Benchmarks: dnstwist, the reference typo generator, run offline.
BENCH_PKGS="dnstwist python3"
# Fuzzing (`make fuzz` only): clang and its runtime libraries (libFuzzer,
# ASan, UBSan).  `make check` replays the fuzz corpus with gcc instead.
FUZZ_PKGS="clang libclang-rt-14-dev"

want="$BUILD_PKGS"
case "${1:-}" in
    --test) want="$BUILD_PKGS $TEST_PKGS" ;;
    --bench) want="$BUILD_PKGS $TEST_PKGS $BENCH_PKGS" ;;
    --fuzz) want="$BUILD_PKGS $FUZZ_PKGS" ;;
    --build|"") ;;
    *) echo "usage: $0 [--build|--test|--bench|--fuzz]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages and not root; install them with:" >&2
    echo "  apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# postfix is installed for its test tools (smtp-sink, smtp-source, smtpd run
# from a private configuration); it must not set itself up as this
# machine's mail system.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections 2>/dev/null || true
# Packages with a daemon (rsyslog, dnsmasq, postfix, redis-server) must
# not start it:
# the tests run their own, privately configured.  Unless the machine
# already has a policy, one that refuses every start is in place for the
# installation only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
