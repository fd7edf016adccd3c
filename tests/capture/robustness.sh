#!/usr/bin/env bash
# Robustness corpus: every capture under ../shared/pcaps/public (real files
# from public test suites, many malformed) is replayed by the sanitizer
# build. Each must end with status 0, or 3 with exactly one line on standard
# error (a file libpcap rejects, an unsupported link type); never a crash,
# a hang or a sanitizer report.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
corpus=${BERGERIE_CORPUS:-../shared/pcaps/public}
if [ ! -d "$corpus" ]; then
	echo "skipped: no robustness corpus at $corpus"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 ok=0 refused=0 fail=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	timeout 60 "$bin" -r "$f" $GEO_OPTS --flows "$tmp/out" --observer-name robust -q \
		>/dev/null 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 0 ] && [ "$lines" -eq 0 ]; then
		ok=$((ok + 1))
	elif [ $rc -eq 3 ] && [ "$lines" -eq 1 ]; then
		refused=$((refused + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $f: exit $rc, $lines lines on stderr:"
		head -n 20 "$tmp/err"
	fi
	rm -f "$tmp/out"
done < <(find "$corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.pcap.gz' -o -name '*.out' \) -print0 | sort -z)
echo "robustness: $n files, $ok read, $refused refused with one line, $fail failed"
[ $fail -eq 0 ]
