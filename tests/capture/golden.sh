#!/usr/bin/env bash
# Capture tests: each line of tests/TESTLIST replays a capture from pcaps/
# with its options and compares the flow records, and the final statistics
# record, with tests/expected/NAME.flows.ndjson and NAME.metrics.ndjson field
# by field (tests/tools/jsoncmp.c). tests/update-golden.sh NAME regenerates
# one pair after a reviewed change.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
cmp=build/tools/jsoncmp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

while read -r name pcap opts; do
	case $name in ''|'#'*) continue ;; esac
	n=$((n + 1))
	# shellcheck disable=SC2086
	if ! "$bin" -r "$pcap" $GEO_OPTS $opts --observer-name golden -q \
		--flows "$tmp/$name.flows" --metrics "$tmp/$name.metrics" \
		--stats-interval 0 2>"$tmp/$name.err"; then
		echo "$name: bergerie failed:"; cat "$tmp/$name.err"; fail=1; continue
	fi
	if [ -s "$tmp/$name.err" ]; then
		echo "$name: unexpected output on standard error:"; cat "$tmp/$name.err"; fail=1
	fi
	for kind in flows metrics; do
		want=tests/expected/$name.$kind.ndjson
		if [ ! -f "$want" ]; then
			echo "$name: no $want (run tests/update-golden.sh $name)"; fail=1; continue
		fi
		if ! "$cmp" --ignore /observer/hostname "$want" "$tmp/$name.$kind"; then
			echo "$name: $kind differ from $want"; fail=1
		fi
	done
done < tests/TESTLIST

echo "golden: $n captures compared"
exit $fail
