#!/bin/sh
# Installs the Debian packages bergerie needs, only those missing, so it is
# quick and quiet on a machine that has them.
#   scripts/deps.sh build   compiler and libraries
#   scripts/deps.sh test    the above, plus what the test suite uses
set -eu

build_pkgs="build-essential pkg-config libpcap-dev libmaxminddb-dev libjansson-dev libncurses-dev libssl-dev"
test_pkgs="libcmocka-dev libmaxmind-db-writer-perl libtext-csv-perl mmdb-bin tcpdump tmux rsyslog python3-jsonschema clang libclang-rt-14-dev groff python3-yaml tcpreplay libcap2-bin"

case "${1:-build}" in
build) want=$build_pkgs ;;
test) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "bergerie: missing packages:$missing; install them as root (apt-get install$missing)" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
