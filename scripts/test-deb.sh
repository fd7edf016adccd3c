#!/usr/bin/env bash
# test-deb.sh: builds the Debian package from the committed tree and checks
# that it installs, runs and goes away cleanly. Needs root and the Debian
# archive (for the build dependencies); changes the machine: installs the
# package, then purges it. Not part of the test suite (CONTRACT section 9:
# package building stays out of .ci/run).
#
#   scripts/test-deb.sh [--keep] [COMMIT]     (default HEAD)
#
# --keep leaves the .deb files in build/deb/. Steps:
#   1. apt-get install the build dependencies (debhelper, dpkg-dev and the
#      libraries of debian/control) when missing;
#   2. git archive COMMIT into a temporary folder (the working tree and its
#      build/ are never touched), dpkg-buildpackage -us -uc -b there;
#   3. dpkg -i; the user _bergerie, bergerie --version, the man page through
#      groff -ww, the completion, a replay of
#      /usr/share/doc/bergerie/examples/office.pcap with --no-geoip as root
#      and as _bergerie, explain from the installed jurisdiction data, the
#      units through systemd-analyze verify (when systemd is there);
#   4. dpkg -r: the binary is gone, the configuration stays (dpkg state rc);
#      dpkg -P: nothing the package installed remains.
# The checks run sh -c and bash -c scripts: their $ are theirs.
# shellcheck disable=SC2016
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
if [ "${1:-}" = --keep ]; then keep=1; shift; fi
commit=${1:-HEAD}
fail=0
step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok    %s\n' "$*"; }
bad() { printf 'FAIL  %s\n' "$*"; fail=1; }
check() {	# DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}

[ "$(id -u)" = 0 ] || { echo "test-deb: run as root (it installs and purges the package)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' bergerie 2>/dev/null | grep -q 'installed\|config-files'; then
	echo "test-deb: a bergerie package is already on this machine; dpkg -P bergerie first" >&2
	exit 2
fi

step "1. build dependencies"
deps="build-essential dpkg-dev debhelper fakeroot pkg-config libpcap-dev libmaxminddb-dev libjansson-dev libncurses-dev libssl-dev groff-base man-db"
missing=
for p in $deps; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "apt-get install$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

step "2. dpkg-buildpackage -us -uc -b (git archive $commit)"
work=$(mktemp -d /tmp/bergerie-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src="$work/bergerie-$version"
mkdir -p "$src"
git archive --format=tar "$commit" | tar -x -C "$src"
mkver=$(sed -n 's/^VERSION := //p' "$src/Makefile")
[ "$mkver" = "${version%%-*}" ] || bad "debian/changelog $version, Makefile VERSION $mkver"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log"
	echo "test-deb: dpkg-buildpackage failed" >&2
	exit 1
fi
grep -E '^dpkg-deb: building' "$work/build.log" || true
deb=$(ls "$work"/bergerie_"${version}"_*.deb)
ok "built ${deb##*/}"
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|; s|/$||' | grep -v '^/$' >"$work/files"
echo "$(wc -l <"$work/files") paths in the package"

step "3. dpkg -i"
dpkg -i "$deb"
check "user _bergerie, no login shell" sh -c 'getent passwd _bergerie | grep -q ":/usr/sbin/nologin$"'
check "bergerie --version says $version" sh -c "bergerie --version | grep -qx 'bergerie ${version%%-*}'"
check "bergerie-fetch-geoip --help" sh -c 'bergerie-fetch-geoip --help 2>&1 | grep -q update-pins'
check "/etc/bergerie/bergerie.conf is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' bergerie | grep -q /etc/bergerie/bergerie.conf"
check "/var/log/bergerie belongs to _bergerie" sh -c '[ "$(stat -c %U /var/log/bergerie)" = _bergerie ]'
check "man page: groff -man -ww gives no warning" sh -c \
	'[ -z "$(zcat /usr/share/man/man8/bergerie.8.gz | groff -man -ww -z 2>&1)" ]'
check "man -w bergerie finds it" sh -c 'man -w bergerie | grep -q /usr/share/man/man8/bergerie.8'
check "completion: bash loads it and offers --fail-on" bash -c \
	'. /usr/share/bash-completion/completions/bergerie; COMP_WORDS=(bergerie --fail); COMP_CWORD=1; _bergerie; [ "${COMPREPLY[*]}" = --fail-on ]'
check "the jurisdiction data is found (explain 1.1.1.1: Cloudflare, anycast)" sh -c \
	'bergerie explain --config /dev/null --no-geoip 1.1.1.1 | grep -q "Cloudflare.*anycast\|anycast.*Cloudflare"'
ex=/usr/share/doc/bergerie/examples/office.pcap
if bergerie --config /dev/null --no-geoip -q -r "$ex" --flows "$work/flows.json" &&
   [ "$(wc -l <"$work/flows.json")" -gt 10 ]; then
	ok "replay of $ex as root: $(wc -l <"$work/flows.json") flow records"
else
	bad "replay of $ex as root"
fi
if runuser -u _bergerie -- bergerie --config /dev/null --no-geoip -r "$ex" >"$work/summary.txt" 2>&1 &&
   grep -q 'Where the data went' "$work/summary.txt"; then
	ok "replay of $ex as _bergerie: summary printed"
else
	bad "replay of $ex as _bergerie"; cat "$work/summary.txt"
fi
check "policy examples load (trusted-cloud.json)" sh -c \
	'bergerie explain --config /dev/null --no-geoip --policy /usr/share/doc/bergerie/examples/trusted-cloud.json 192.0.2.10 | grep -q "s3ns"'
if command -v systemd-analyze >/dev/null 2>&1; then
	if out=$(systemd-analyze verify /lib/systemd/system/bergerie.service \
		/lib/systemd/system/bergerie-geoip.service /lib/systemd/system/bergerie-geoip.timer 2>&1) &&
	   ! printf '%s\n' "$out" | grep -v 'Failed to connect\|No such file or directory\|dbus' | grep -q .; then
		ok "systemd-analyze verify: the three units"
	else
		bad "systemd-analyze verify"; printf '%s\n' "$out"
	fi
else
	echo "skip  systemd-analyze is not installed"
fi

step "4. dpkg -r, then dpkg -P"
dpkg -r bergerie
check "dpkg -r: /usr/sbin/bergerie is gone" sh -c '[ ! -e /usr/sbin/bergerie ]'
check "dpkg -r: the configuration stays" test -f /etc/bergerie/bergerie.conf
check "dpkg -r: state rc" sh -c "dpkg -l bergerie | grep -q '^rc'"
dpkg -P bergerie
check "dpkg -P: the package is unknown to dpkg" sh -c '! dpkg-query -W bergerie'
left=
while read -r f; do
	case $f in
	/usr|/usr/*/|/etc|/lib|/var|/var/lib|/usr/sbin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man8|/lib/systemd|/lib/systemd/system|/usr/share/bash-completion|/usr/share/bash-completion/completions) continue ;;
	esac
	[ -e "$f" ] && left="$left $f"
done <"$work/files"
for f in /etc/bergerie /var/lib/bergerie /var/log/bergerie; do
	[ -e "$f" ] && left="$left $f"
done
if [ -z "$left" ]; then ok "dpkg -P: nothing of the package remains"; else bad "left after purge:$left"; fi
echo "note  the system user _bergerie stays after purge (Debian practice; debian/postrm)"

if [ "$keep" = 1 ]; then
	mkdir -p build/deb
	cp "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes build/deb/ 2>/dev/null || true
	echo "kept: build/deb/"
fi
echo
[ "$fail" = 0 ] && echo "test-deb: all checks passed" || echo "test-deb: some checks failed"
exit "$fail"
