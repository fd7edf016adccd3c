#!/bin/sh
# The README's first command: installs what is missing (Debian packages and
# the default GeoIP data), builds bergerie, and replays the sample capture
# of an office's egress to show where its data went.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
if ! scripts/fetch-geoip.sh; then
	echo "bergerie: continuing without the default GeoIP data: remote ends will be 'unknown'" >&2
fi
make -j2 bergerie
echo
echo "== ./bergerie -r pcaps/office.pcap"
./bergerie -r pcaps/office.pcap
