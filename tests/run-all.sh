#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (after building the sanitizer
# binaries): unit tests (cmocka), capture tests against expected output,
# the robustness corpus, the peer (tshark) tables, and the fuzz targets
# (tests/capture/fuzz.sh: corpus replay, then a short libFuzzer pass; it
# needs MAKE to build them, `make` by default). Ends with one line
# "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=98}
export BERGERIE_FIXTURES=${BERGERIE_FIXTURES:-build/fixtures}

passed=0 failed=0 skipped=0
failures=()

run_part() {	# name, command...
	local name=$1 out rc
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	case $rc in
	0) passed=$((passed + 1)); printf 'PASS  %s\n' "$name" ;;
	77) skipped=$((skipped + 1)); printf 'SKIP  %s: %s\n' "$name" "$(tail -n 1 "$out")" ;;
	*) failed=$((failed + 1)); failures+=("$name"); printf 'FAIL  %s (exit %d)\n' "$name" "$rc"
	   sed 's/^/      /' "$out" | tail -n 40 ;;
	esac
	rm -f "$out"
}

if [ -x tests/fixtures/build-fixtures.sh ]; then
	run_part "fixtures: GeoIP test databases" tests/fixtures/build-fixtures.sh "$BERGERIE_FIXTURES"
fi

for t in build/san/tests/test_*; do
	[ -x "$t" ] || continue
	run_part "unit: ${t##*/}" "$t"
done

for part in tests/capture/*.sh; do
	[ -x "$part" ] || continue
	name=${part##*/}
	run_part "capture: ${name%.sh}" "$part"
done

echo
if [ "$failed" -gt 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
