#!/usr/bin/env bash
# Runs the libFuzzer builds of the fuzz targets (build/fuzz/fuzz_*), two at
# a time (FUZZ_JOBS), each from its committed corpus tests/fuzz/corpus/NAME
# (and tests/fuzz/NAME.dict when there is one).
#
#   tests/fuzz/run.sh short   FUZZ_SHORT_SECONDS (20) a target; new inputs
#                             in a temporary folder. Fails when a target
#                             crashes or its final coverage (libFuzzer's
#                             last "cov:") is under its floor in
#                             tests/fuzz/floors.tsv (an empty or broken
#                             harness fails). The test suite's pass.
#   tests/fuzz/run.sh long    FUZZ_SECONDS (600) a target; the corpus grows
#                             in build/fuzz/corpus/NAME and is merged
#                             (minimised) into build/fuzz/merged/NAME, to
#                             be reviewed and copied into the committed
#                             corpus by hand. `make fuzz`.
#
# Crashing inputs are kept in build/fuzz/crashes/. Exits 0 when every target
# ran clean, 1 otherwise. Run from anywhere; works from the repository top.
set -u
cd "$(dirname "$0")/../.." || exit 1

mode=${1:-short}
case $mode in
short) secs=${FUZZ_SHORT_SECONDS:-20} ;;
long) secs=${FUZZ_SECONDS:-600} ;;
*) echo "usage: $0 short|long" >&2; exit 2 ;;
esac
jobs=${FUZZ_JOBS:-2}
floors=tests/fuzz/floors.tsv
crashes=build/fuzz/crashes
mkdir -p "$crashes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One target: NAME (without fuzz_). Writes $tmp/NAME.result as
# "status cov" (status: ok, crash).
run_one() {
	local name=$1 bin=build/fuzz/fuzz_$1 seeds=tests/fuzz/corpus/$1
	local work log=$tmp/$1.log dict=() rc cov
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	if [ "$mode" = long ]; then
		work=build/fuzz/corpus/$name
	else
		work=$tmp/corpus-$name
	fi
	mkdir -p "$work"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/$name-" \
		"${dict[@]}" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	if [ "$rc" -ne 0 ]; then
		echo "crash ${cov:-0}" >"$tmp/$name.result"
		return
	fi
	if [ "$mode" = long ]; then
		mkdir -p "build/fuzz/merged/$name"
		"$bin" -merge=1 -timeout=10 "build/fuzz/merged/$name" "$seeds" \
			"$work" >>"$log" 2>&1
	fi
	echo "ok ${cov:-0}" >"$tmp/$name.result"
}

names=()
for src in tests/fuzz/fuzz_*.c; do
	n=${src##*/fuzz_}
	names+=("${n%.c}")
done

start=$SECONDS
running=0
for n in "${names[@]}"; do
	if [ ! -x "build/fuzz/fuzz_$n" ]; then
		echo "missing build/fuzz/fuzz_$n (make fuzz-build)" >"$tmp/$n.result.err"
		continue
	fi
	run_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

fail=0
printf '%-14s %6s %6s  %s\n' target cov floor result
for n in "${names[@]}"; do
	if [ -f "$tmp/$n.result.err" ]; then
		cat "$tmp/$n.result.err"
		fail=1
		continue
	fi
	read -r status cov <"$tmp/$n.result"
	floor=$(awk -F'\t' -v t="$n" '$1 == t { print $2 }' "$floors")
	result=ok
	if [ "$status" != ok ]; then
		result="CRASH (input in $crashes/)"
	elif [ -z "$floor" ]; then
		result="FAIL: no floor in $floors"
	elif [ "$mode" = short ] && [ "$cov" -lt "$floor" ]; then
		result="FAIL: coverage under the floor"
	fi
	printf '%-14s %6s %6s  %s\n' "$n" "$cov" "${floor:--}" "$result"
	if [ "$result" != ok ]; then
		fail=1
		grep -v '^#\|^INFO\|^MERGE\|NEW_FUNC\|in fuzzer::\|stat::\|libc_start\|in _start\|in main ' \
			"$tmp/$n.log" | tail -n 30 | sed 's/^/    /'
	fi
done
echo "fuzz ($mode, ${secs} s a target, $jobs at a time): $((SECONDS - start)) s"
exit $fail
