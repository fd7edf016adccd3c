#!/usr/bin/env bash
# Every record bergerie writes is valid under docs/schema/bergerie.schema.json
# (CONTRACT.md section 1): flow records, alerts and statistics records from
# every capture in pcaps/, with the default policy, the example policies and
# without GeoIP, each stream in its own file holding one event.kind only.
# Then records mutated the ways the schema must refuse (a wrong type, an
# unlisted bergerie property, a null) must fail.
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
	echo "python3-jsonschema is not installed (scripts/deps.sh test)"; exit 77
fi
schema=docs/schema/bergerie.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

policies=("" "--policy geo/examples/multinational.json"
	"--policy geo/examples/trusted-cloud.json" "--no-geoip")
for pcap in pcaps/*.pcap pcaps/*.pcapng; do
	for i in "${!policies[@]}"; do
		# A short window and interval so closing records, interim records
		# and periodic statistics all appear.
		# shellcheck disable=SC2086
		if ! "$bin" -r "$pcap" $GEO_OPTS ${policies[$i]} -q --observer-name schema \
			--flows "$tmp/flows" --alerts "$tmp/alerts" --metrics "$tmp/metrics" \
			--stats-interval 10 --alert-window 5 --active-timeout 100 \
			2>"$tmp/err"; then
			echo "$pcap ${policies[$i]}: bergerie failed"; cat "$tmp/err"; fail=1
		fi
		n=$((n + 1))
	done
	for kind in flows alerts metrics; do
		[ -f "$tmp/$kind" ] && cat "$tmp/$kind" >>"$tmp/all.$kind"
		rm -f "$tmp/$kind"
	done
done
for kind in flows:event alerts:alert metrics:metric; do
	f=$tmp/all.${kind%%:*}
	if [ ! -s "$f" ]; then
		echo "no ${kind%%:*} records were produced"; fail=1; continue
	fi
	"$py" tests/schema-validate.py --expect-kind "${kind##*:}" "$schema" "$f" || fail=1
done

# Mutants: a sample of each kind (every record's mutants would take long).
for kind in flows alerts metrics; do
	awk 'NR % 7 == 1' "$tmp/all.$kind" >"$tmp/sample.$kind"
	"$py" tests/schema-validate.py --mutate "$schema" "$tmp/sample.$kind" || fail=1
done

# The schema must refuse what bergerie must never write.
printf '%s\n' '{"@timestamp":null}' >"$tmp/bad"
if "$py" tests/schema-validate.py "$schema" "$tmp/bad" >/dev/null; then
	echo "a record with a null @timestamp passed"; fail=1
fi
echo "schema: $n runs validated"
exit $fail
