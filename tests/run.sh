#!/bin/sh
# run.sh — every test of typosentry, run by `make check`.
#
#   unit        the cmocka unit tests, plain and under ASan+UBSan
#   e2e         tests/e2e/*/test.yaml: replay a capture, check EVE by field
#               and against Suricata's EVE schema (plain and sanitized)
#   oracle      every MX question tshark decodes, typosentry decodes
#   robustness  the public captures in ../shared/pcaps under ASan+UBSan:
#               no crash, no sanitizer report, no leak
#
# Prints one line per failure and ends with "N passed, N failed".
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
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Unit tests.
for t in build/tests/test_* build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	if out=$("$t" 2>&1); then ok; else ko "$t"; echo "$out" | tail -20; fi
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

# The decoders against tshark, on our captures and on the public ones.
# Not on the cut and corrupt captures, nor on smtp-starttls (everything
# after STARTTLS is encrypted: tshark and we both see no recipient) and
# smtp-small-mtu (tshark 4.0 does not decode commands split mid-line; its
# e2e case checks the recipients instead).
for f in pcaps/*.pcap pcaps/*.pcapng; do
	case $f in *truncated*|*corrupt*|*starttls*|*small-mtu*) continue ;; esac
	if $PY tests/oracle_tshark.py "$BIN" "$f" exact; then ok
	else ko "tshark oracle on $f"; fi
done
if [ -d "$SHARED_PCAPS" ]; then
	if $PY tests/oracle_tshark.py "$BIN" "$SHARED_PCAPS" subset; then ok
	else ko "tshark oracle on $SHARED_PCAPS"; fi
	if $PY tests/robustness.py "$ASAN_BIN" "$SHARED_PCAPS" "$SCHEMA"; then ok
	else ko "robustness on $SHARED_PCAPS"; fi
else
	ko "$SHARED_PCAPS is missing (the shared captures sit beside the repository)"
fi

# A million one-packet flows stay under the flow memory cap.
if $PY tests/flood.py "$BIN" 1000000; then ok; else ko "flow flood"; fi

# make install puts the binary and the configuration under DESTDIR/PREFIX.
dest=$(mktemp -d)
if make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local >/dev/null &&
    "$dest/usr/local/bin/typosentry" -T -c "$dest/usr/local/etc/typosentry/typosentry.yaml" 2>/dev/null; then
	ok
else
	ko "make install DESTDIR=$dest"
fi
rm -rf "$dest"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
