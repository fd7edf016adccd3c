#!/usr/bin/env bash
# geo-extract.sh: regenerate geo/asn-check.csv (`make geo-extract`).
#
#   scripts/geo-extract.sh [--operators FILE] [--out FILE] [DATA_DIR]
#
# For every ASN listed in geo/data/operators.json, the pinned ASN data's rows
# for it (data/asn-ipv4.csv and data/asn-ipv6.csv, installed by
# scripts/fetch-geoip.sh, which this runs first: a no-op when the data is
# current), one line per (asn, organisation), sorted. An ASN absent from the
# data gets a line "ASN," with an empty organisation, so a test can flag it.
# The first line is a comment naming the package, its pinned version and the
# first 16 hex digits of the tarball's SHA-512 (scripts/geoip-pins.txt), so
# the committed file says what it came from. Tests read the committed file
# and never download (CONTRACT sections 6 and 8).
set -eu -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
operators="$root/geo/data/operators.json"
out="$root/geo/asn-check.csv"
data_arg=

while [ $# -gt 0 ]; do
	case $1 in
	--operators) operators=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	-h|--help) sed -n '4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	-*) echo "geo-extract: unknown option $1" >&2; exit 2 ;;
	*) data_arg=$1 ;;
	esac
	shift
done
data=${data_arg:-${BERGERIE_DATA_DIR:-$root/data}}

[ -f "$operators" ] || { echo "geo-extract: $operators is missing" >&2; exit 1; }
"$here/fetch-geoip.sh" "$data"

pin=$(awk '!/^#/ && $1 == "asn" { print $2, $3, $4; exit }' "$here/geoip-pins.txt")
[ -n "$pin" ] || { echo "geo-extract: no asn pin in $here/geoip-pins.txt" >&2; exit 1; }

tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086 # pin is three words: package version sha512
/usr/bin/python3 - "$operators" "$data/asn-ipv4.csv" "$data/asn-ipv6.csv" \
	"$tmp" $pin <<'PY'
import csv
import json
import sys

operators, v4, v6, out, package, version, sha512 = sys.argv[1:8]

with open(operators, encoding="utf-8") as f:
    ops = json.load(f)["operators"]
wanted = set()
for op in ops:
    for asn in op.get("asns", []):
        if not isinstance(asn, int) or isinstance(asn, bool) or not 0 < asn < 2**32:
            sys.exit(f"geo-extract: {operators}: operator {op.get('id')!r}: bad ASN {asn!r}")
        wanted.add(asn)

found = {}
for path in (v4, v6):
    with open(path, encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.reader(f), 1):
            if len(row) != 4:
                sys.exit(f"geo-extract: {path}:{line}: expected 4 fields, got {len(row)}")
            asn = int(row[2])
            if asn in wanted:
                found.setdefault(asn, set()).add(row[3])

with open(out, "w", encoding="utf-8", newline="") as f:
    f.write(f"# {package} {version} sha512:{sha512[:16]}: the rows of this ASN data"
            " for every ASN in geo/data/operators.json (make geo-extract)\n")
    w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    f.write("asn,organisation\n")
    for asn in sorted(wanted):
        orgs = sorted(found.get(asn, ()))
        if not orgs:
            f.write(f"{asn},\n")
        for org in orgs:
            w.writerow([asn, org])
missing = len(wanted) - len(found)
print(f"geo-extract: {len(wanted)} ASNs, {missing} absent from {package} {version}",
      file=sys.stderr)
PY
mv -f "$tmp" "$out"
trap - EXIT
echo "geo-extract: wrote $out" >&2
