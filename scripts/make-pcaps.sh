#!/bin/sh
# make-pcaps.sh: regenerate every capture in pcaps/ from tests/tools/pcapgen
# and the intended-flow tallies in pcaps/expected-flows/ (one TSV per
# scenario: name, packets and IP bytes initiator->responder, then back).
# The files are deterministic: a rerun must leave `git status pcaps/` clean.
#
#   scripts/make-pcaps.sh [PCAPGEN]     (default build/tools/pcapgen)
set -eu
cd "$(dirname "$0")/.."
gen=${1:-build/tools/pcapgen}
if [ ! -x "$gen" ]; then
	echo "make-pcaps: $gen missing; run 'make build/tools/pcapgen'" >&2
	exit 2
fi
mkdir -p pcaps/expected-flows
for s in $("$gen" -l); do
	if [ "$s" = linktypes ]; then
		"$gen" -e "$s" pcaps/linktypes > pcaps/expected-flows/"$s".tsv
	else
		"$gen" -e "$s" pcaps/"$s".pcap > pcaps/expected-flows/"$s".tsv
	fi
done
echo "make-pcaps: $(find pcaps -maxdepth 1 -name "*.pcap*" | wc -l) captures in pcaps/"
