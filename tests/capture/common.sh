# shellcheck shell=bash disable=SC2034
# Sourced by the capture tests: the sanitizer binary and the fixture GeoIP
# databases (built by tests/fixtures/build-fixtures.sh; tests never use the
# downloaded data).
fixtures=${BERGERIE_FIXTURES:-build/fixtures}
bin=${BERGERIE:-build/san/bergerie}
# As root, through tests/tools/as-root.sh (-Z root); bin_real is the binary.
bin_real=$bin
if [ "$(id -u)" -eq 0 ] && [ -z "${BERGERIE_NO_WRAP:-}" ]; then
	export BERGERIE_REAL=$bin
	bin=tests/tools/as-root.sh
fi
GEO_OPTS="--geoip-country $fixtures/dbip-country-flat.mmdb --geoip-asn $fixtures/bergerie-asn.mmdb"
if [ ! -f "$fixtures/dbip-country-flat.mmdb" ]; then
	tests/fixtures/build-fixtures.sh "$fixtures" >/dev/null || exit 1
fi
