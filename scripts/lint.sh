#!/bin/sh
# lint.sh — static analysis of the C sources: cppcheck, then clang-tidy
# with the checks of .clang-tidy (`make lint`; `make check` runs it too).
#
# cppcheck: warnings, performance and portability, with the suppressions
# of scripts/cppcheck.supp (each explained there) and inline ones.
# clang-tidy: every warning is an error; false reports are silenced where
# they occur with a NOLINTNEXTLINE(check) and a comment saying why.
#
# Prints the findings and exits 1 when there are any.
set -u

cd "$(dirname "$0")/.."
PKGS="libpcap ldns yaml-0.1 libpsl libidn2 icu-uc icu-i18n hiredis"
srcs=$(ls decoders/*.c rules/*.c sensor/*.c tests/fuzz/*.c bench/*.c)
rc=0

for tool in cppcheck clang-tidy; do
	if ! command -v $tool >/dev/null; then
		echo "lint: $tool is not installed (scripts/install-deps.sh --test)"
		exit 1
	fi
done

# shellcheck disable=SC2086
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --library=posix \
    --enable=warning,performance,portability --inline-suppr \
    --suppressions-list=scripts/cppcheck.supp \
    --include=scripts/cppcheck-defs.h -D_GNU_SOURCE -DFUZZ_REPLAY \
    $srcs 2>&1; then
	echo "lint: cppcheck found the problems above"
	rc=1
fi

# Two files per clang-tidy process, two processes at a time.
CFLAGS_TIDY="-std=c11 -D_GNU_SOURCE -DFUZZ_REPLAY $(pkg-config --cflags $PKGS)"
export CFLAGS_TIDY
out=$(echo "$srcs" | xargs -P2 -n2 sh -c \
    'clang-tidy --quiet "$@" -- $CFLAGS_TIDY' sh 2>&1)
status=$?
echo "$out" | grep -v -e 'warnings\{0,1\} generated\.$' \
    -e '^Suppressed [0-9]* warnings' -e 'Use -header-filter' \
    -e 'NOLINT' -e '^$'
if [ "$status" -ne 0 ]; then
	echo "lint: clang-tidy found the problems above"
	rc=1
fi
[ "$rc" -eq 0 ] && echo "lint: cppcheck and clang-tidy: no findings"
exit $rc
