#!/usr/bin/env bash
# Regenerates the expected output of the named TESTLIST entries (all when no
# name is given). Review the diff before committing: an expected file is a
# claim about what the capture contains.
set -eu
cd "$(dirname "$0")/.."
make -s bergerie
BERGERIE=./bergerie . tests/capture/common.sh
while read -r name pcap opts; do
	case $name in ''|'#'*) continue ;; esac
	if [ $# -gt 0 ]; then
		keep=0
		for want in "$@"; do [ "$want" = "$name" ] && keep=1; done
		[ $keep = 1 ] || continue
	fi
	rm -f "tests/expected/$name.flows.ndjson" "tests/expected/$name.metrics.ndjson"
	# shellcheck disable=SC2086
	./bergerie -r "$pcap" $GEO_OPTS $opts --observer-name golden -q \
		--flows "tests/expected/$name.flows.ndjson" \
		--metrics "tests/expected/$name.metrics.ndjson" --stats-interval 0
	echo "updated $name"
done < tests/TESTLIST
