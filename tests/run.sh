#!/bin/sh
# run.sh — every test of typosentry, run by `make check`.
#
#   unit        the cmocka unit tests, plain and under ASan+UBSan
#   fuzz corpus every input of tests/fuzz/corpus/TARGET (seeds, inputs the
#               fuzzers found, every crash ever found) through its target,
#               built with gcc, plain and under ASan+UBSan
#   e2e         tests/e2e/*/test.yaml: replay a capture, check EVE by field
#               and against Suricata's EVE schema (plain and sanitized)
#   line format tests/line_format.py: lines on a terminal, EVE in a pipe
#               and with --stdout, fast.log in a log directory
#   report      tests/report.py: typosentry report's verdicts, escaping,
#               errors, a generated 40 MB log in bounded memory;
#               tests/report_browser.py: the HTML in headless Chromium
#   oracle      every MX question tshark decodes, typosentry decodes; and
#               as many DNS messages on port 53 and inner IP packets per
#               encapsulation as tshark (tests/tunnel_oracle.py);
#               community_id is tshark's on every flow of pcaps/
#   robustness  the public captures in ../shared/pcaps under ASan+UBSan:
#               no crash, no sanitizer report, no leak
#   adversarial tests/adversarial.py: hostile captures generated at test
#               time (compression loops, lying counts, overlapping segments
#               and fragments, 1 MB lines, a million RCPT TO, corrupt pcap
#               records), plain and sanitized: no crash, bounded time and
#               memory, the right counters
#   operations  tests/ops.py: syslog to a real rsyslogd, signals, reload,
#               logrotate, write errors, --daemon, -u, stats, suppression,
#               privacy (plain and sanitized)
#   workers     tests/workers.py: with 2 workers every e2e case and capture
#               gives the alerts and incidents of 1
#   redis       tests/redis.py: EVE to a real redis-server on loopback,
#               killed and restarted in the middle of a replay; the spool's
#               bound; list, channel and stream modes; no server at start
#   live        tests/live.py: live capture on a veth pair between two
#               network namespaces with dnsmasq, smtp-sink, dig, swaks and
#               tcpreplay, and DNS inside a kernel VXLAN overlay (needs
#               root; skipped, saying why, without)
#   install     make install into a DESTDIR, and the unit, man page and
#               logrotate snippet checked with their own tools
#   policyd     tests/policyd.py: typosentry policyd with a private Postfix
#               (swaks rejected, accepted, deferred, held) and alone
#               (malformed and oversized requests, timeouts, a load
#               client past the connection cap, --daemon), both binaries
#   sandbox     tests/sandbox.py: after start-up, the sensor cannot write
#               or read through links out of its directories (Landlock)
#   lint        scripts/lint.sh: cppcheck and clang-tidy find nothing
#
# Prints one line per failure and ends with "N passed, N failed" (and
# ", N skipped" when a test could not run here).
set -u

cd "$(dirname "$0")/.."
PY=/usr/bin/python3
SCHEMA=../shared/schema/suricata-eve-schema.json
SHARED_PCAPS=../shared/pcaps
BIN=./typosentry
ASAN_BIN=build/asan/typosentry
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

pass=0
fail=0
skip=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run_py SCRIPT BINARY TEST: exit 0 passes, 77 is a skip (the script says
# why), anything else fails.
run_py() {
	out=$($PY "$1" "$2" "$3" 2>&1)
	rc=$?
	case $rc in
	0) ok ;;
	77) skip=$((skip + 1)); echo "$out" ;;
	*) ko "$3 ($1) with $2"; echo "$out" | tail -40 ;;
	esac
}

# Unit tests.
for t in build/tests/test_* build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	if out=$("$t" 2>&1); then ok; else ko "$t"; echo "$out" | tail -20; fi
done

# The fuzz corpus through the replay builds of the fuzz targets.
for t in build/replay/fuzz_* build/asan/replay/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if out=$("$t" "tests/fuzz/corpus/${name#fuzz_}" 2>&1); then ok
	else ko "$t on tests/fuzz/corpus/${name#fuzz_}"; echo "$out" | tail -20; fi
done

# End-to-end cases, with both binaries.
for case in tests/e2e/*/; do
	case=${case%/}
	[ -f "$case/test.yaml" ] || continue
	for bin in "$BIN" "$ASAN_BIN"; do
		if $PY tests/e2e/check.py "$bin" "$case" "$SCHEMA"; then ok
		else ko "$case with $bin"; fi
	done
done

# The output format by destination: lines on a terminal, EVE in a pipe,
# fast.log in a log directory.
for bin in "$BIN" "$ASAN_BIN"; do
	if out=$($PY tests/line_format.py "$bin" 2>&1); then ok
	else ko "line format with $bin"; echo "$out" | tail -20; fi
done

# typosentry report: verdicts, escaping, errors and a big log (both
# binaries); the HTML in headless Chromium (the plain one).
for bin in "$BIN" "$ASAN_BIN"; do
	if out=$($PY tests/report.py "$bin" 2>&1); then ok
	else ko "report with $bin"; echo "$out" | tail -20; fi
done
if out=$($PY tests/report_browser.py "$BIN" 2>&1); then ok
else ko "report in a browser"; echo "$out" | tail -20; fi

# The decoders against tshark, on our captures and on the public ones.
# Not on the cut and corrupt captures, nor on smtp-starttls (everything
# after STARTTLS is encrypted: tshark and we both see no recipient) and
# smtp-small-mtu (tshark 4.0 does not decode commands split mid-line; its
# e2e case checks the recipients instead).
for f in pcaps/*.pcap pcaps/*.pcapng; do
	# The VXLAN captures are left to their e2e cases and to
	# tests/tunnel_oracle.py: this oracle leaves tunnelled packets out.
	case $f in *truncated*|*corrupt*|*starttls*|*small-mtu*) continue ;; esac
	case $f in pcaps/vxlan-mx-smtp.pcap|pcaps/vxlan-mx-smtp-snaplen.pcap|\
	    pcaps/vxlan-two-tenants.pcap) continue ;; esac
	if $PY tests/oracle_tshark.py "$BIN" "$f" exact; then ok
	else ko "tshark oracle on $f"; fi
done
if [ -d "$SHARED_PCAPS" ]; then
	if $PY tests/oracle_tshark.py "$BIN" "$SHARED_PCAPS" subset; then ok
	else ko "tshark oracle on $SHARED_PCAPS"; fi
	if $PY tests/robustness.py "$ASAN_BIN" "$SHARED_PCAPS" "$SCHEMA"; then ok
	else ko "robustness on $SHARED_PCAPS"; fi
	if $PY tests/tunnel_oracle.py "$BIN" "$SHARED_PCAPS"; then ok
	else ko "tunnel oracle (DNS messages, inner IP per encapsulation) on $SHARED_PCAPS"; fi
else
	ko "$SHARED_PCAPS is missing (the shared captures sit beside the repository)"
fi

# community_id agrees with tshark's Community ID on every flow of our
# captures (the public ones take minutes of tshark: README "Tests" has
# the figures of a run on them).
if $PY tests/community_id.py "$BIN" pcaps; then ok
else ko "community_id against tshark on pcaps"; fi

# Two workers give the alerts and incidents of one, on every e2e case
# and capture.
for bin in "$BIN" "$ASAN_BIN"; do
	if $PY tests/workers.py "$bin"; then ok
	else ko "2 workers against 1 with $bin"; fi
done

# A million one-packet flows stay under the flow memory cap.
if $PY tests/flood.py "$BIN" 1000000; then ok; else ko "flow flood"; fi

# Hostile captures, each with both binaries.
for t in $($PY tests/adversarial.py --list); do
	if out=$($PY tests/adversarial.py "$BIN" "$ASAN_BIN" "$t" 2>&1); then ok
	else ko "adversarial capture $t"; echo "$out" | tail -20; fi
done

# Operations, with both binaries; live capture in namespaces.
for t in $($PY tests/ops.py --list); do
	for bin in "$BIN" "$ASAN_BIN"; do run_py tests/ops.py "$bin" "$t"; done
done
# EVE to a private redis-server that is killed and restarted mid-replay.
for t in $($PY tests/redis.py --list); do
	for bin in "$BIN" "$ASAN_BIN"; do run_py tests/redis.py "$bin" "$t"; done
done
for t in $($PY tests/policyd.py --list); do
	for bin in "$BIN" "$ASAN_BIN"; do run_py tests/policyd.py "$bin" "$t"; done
done
run_py tests/sandbox.py "$BIN" sandbox
run_py tests/sandbox.py "$ASAN_BIN" sandbox
run_py tests/live.py "$BIN" live-alerts
run_py tests/live.py "$ASAN_BIN" live-alerts-immediate
run_py tests/live.py "$BIN" live-tcpreplay
run_py tests/live.py "$BIN" live-workers
run_py tests/live.py "$BIN" live-vxlan

# make install puts the binary, the configuration, the man page, the unit
# file and the logrotate snippet under DESTDIR/PREFIX.
dest=$(mktemp -d)
p=$dest/usr/local
if make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local >/dev/null &&
    "$p/bin/typosentry" -T -c "$p/etc/typosentry/typosentry.yaml" 2>/dev/null &&
    [ -f "$p/share/man/man8/typosentry.8" ] &&
    grep -qx "ExecStart=/usr/local/bin/typosentry -q -c /usr/local/etc/typosentry/typosentry.yaml -l /var/log/typosentry --pidfile /run/typosentry/typosentry.pid" \
	"$p/lib/systemd/system/typosentry.service" &&
    grep -q "^/var/log/typosentry/eve.json /var/log/typosentry/fast.log {" "$p/etc/logrotate.d/typosentry" &&
    grep -qx "ExecStart=/usr/local/bin/typosentry policyd -q -c /usr/local/etc/typosentry/typosentry.yaml --listen inet:127.0.0.1:10040 -l /var/log/typosentry-policyd" \
	"$p/lib/systemd/system/typosentry-policyd.service" &&
    ! grep -q "@[A-Z]*@" "$p/lib/systemd/system/typosentry.service" \
	"$p/lib/systemd/system/typosentry-policyd.service" "$p/etc/logrotate.d/typosentry"; then
	ok
else
	ko "make install DESTDIR=$dest"
fi
rm -rf "$dest"

# The installed unit passes systemd-analyze verify (ExecStart must exist:
# install with PREFIX pointing at a temporary directory), the logrotate
# snippet parses, the man page renders without a warning.
dest=$(mktemp -d)
warn=""
if make --no-print-directory -s install PREFIX="$dest" >/dev/null &&
    { ! command -v systemd-analyze >/dev/null ||
      MANPATH="$dest/share/man:" systemd-analyze verify \
	"$dest/lib/systemd/system/typosentry.service" \
	"$dest/lib/systemd/system/typosentry-policyd.service"; } &&
    logrotate -d "$dest/etc/logrotate.d/typosentry" >/dev/null 2>&1 &&
    warn=$(groff -man -Tutf8 -ww -z man/typosentry.8 2>&1) && [ -z "$warn" ] &&
    warn=$(MANWIDTH=80 man -l man/typosentry.8 2>&1 >/dev/null) && [ -z "$warn" ]; then
	ok
else
	ko "unit file, logrotate snippet or man page: $warn"
fi
rm -rf "$dest"

# Static analysis: cppcheck and clang-tidy (.clang-tidy) find nothing.
if out=$(sh scripts/lint.sh 2>&1); then ok
else ko "lint (scripts/lint.sh)"; echo "$out" | tail -40; fi

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
