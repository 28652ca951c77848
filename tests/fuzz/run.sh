#!/bin/sh
# run.sh — run the libFuzzer targets, one after the other (`make fuzz`).
#
#   tests/fuzz/run.sh SECONDS [fuzz_NAME ...]
#
# Each target starts from its corpus (tests/fuzz/corpus/NAME, read only)
# and the inputs earlier runs found (build/fuzz/work/NAME, where new ones
# go), with its dictionary when there is one (tests/fuzz/NAME.dict).  A
# crash is written to build/fuzz/crashes/NAME-crash-SHA1; see README.md
# for what to do with it.  Ends with one line per target: seconds,
# executions, coverage (cov: edges, ft: features) and crashes, which is
# what tests/fuzz/README.md records.  Exit status 1 when a target crashed.
set -u

cd "$(dirname "$0")/../.."
secs=${1:-20}
shift 2>/dev/null
targets=${*:-$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)}
mkdir -p build/fuzz/crashes
summary=""
failed=0
for t in $targets; do
	name=${t#fuzz_}
	bin=build/fuzz/$t
	work=build/fuzz/work/$name
	log=build/fuzz/$t.log
	mkdir -p "$work"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	echo "== $t: $secs s"
	# -timeout: one input taking a second is a hang for us.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$name-" \
	    $dict "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	crash=$(grep -c 'Test unit written to' "$log")
	if [ "$rc" -ne 0 ]; then
		failed=1
		grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -5
	fi
	summary="$summary$(printf '%-20s %6s s %12s execs  cov %6s  ft %6s  crashes %s' \
	    "$t" "$secs" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crash")
"
done
printf '%s' "$summary"
exit $failed
