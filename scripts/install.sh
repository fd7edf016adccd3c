#!/bin/sh
# install.sh: `make install` and `make uninstall` (the Makefile passes the
# folders in the environment; run it through make).
#
#   scripts/install.sh install | uninstall | list
#
# Installs under $DESTDIR: the binary and bergerie-fetch-geoip (SBINDIR), the
# jurisdiction data (DATADIR/geo: the binary looks there), the GeoIP pins and
# installer (DATADIR), documentation, examples and the sample capture
# (DOCDIR), bergerie(8) (MANDIR), the bash completion (BASHCOMPDIR), the
# systemd units (UNITDIR), the sample configuration
# (SYSCONFDIR/bergerie/bergerie.conf, never overwritten) and the state and
# log folders. Run as root without DESTDIR it also creates the system user
# _bergerie and gives it the log folder. `uninstall` removes exactly what
# `list` names (never the configuration, the GeoIP data, the logs or the
# user).
set -eu
cd "$(dirname "$0")/.."

: "${DESTDIR=}"
: "${PREFIX:=/usr/local}"
: "${SBINDIR:=$PREFIX/sbin}"
: "${DATADIR:=$PREFIX/share/bergerie}"
: "${DOCDIR:=$PREFIX/share/doc/bergerie}"
: "${MANDIR:=$PREFIX/share/man}"
: "${BASHCOMPDIR:=$PREFIX/share/bash-completion/completions}"
: "${UNITDIR:=$PREFIX/lib/systemd/system}"
: "${SYSCONFDIR:=/etc}"
: "${STATEDIR:=/var/lib/bergerie}"
: "${LOGDIR:=/var/log/bergerie}"
: "${RUNUSER:=_bergerie}"

# manifest: "MODE SOURCE DEST" per installed file; a SOURCE ending in .in
# (or a unit) is filled with the folders first.
manifest() {
	echo "755 bergerie $SBINDIR/bergerie"
	echo "755 contrib/bergerie-fetch-geoip.in $SBINDIR/bergerie-fetch-geoip"
	echo "644 scripts/fetch-geoip.sh $DATADIR/fetch-geoip.sh"
	echo "644 scripts/geoip-pins.txt $DATADIR/geoip-pins.txt"
	for f in geo/data/*.json geo/data/README.md; do
		echo "644 $f $DATADIR/geo/${f##*/}"
	done
	for f in README.md NOTICE docs/*.md docs/schema/bergerie.schema.json; do
		echo "644 $f $DOCDIR/${f##*/}"
	done
	for f in docs/siem/*; do
		[ -f "$f" ] && echo "644 $f $DOCDIR/siem/${f##*/}"
	done
	for f in geo/examples/*.json geo/data/default-policy.json pcaps/office.pcap; do
		echo "644 $f $DOCDIR/examples/${f##*/}"
	done
	echo "644 build/bergerie.8 $MANDIR/man8/bergerie.8"
	echo "644 build/bergerie.bash $BASHCOMPDIR/bergerie"
	for f in contrib/systemd/*; do
		echo "644 $f $UNITDIR/${f##*/}"
	done
}

fill() {	# SOURCE: the file with the folders filled in, on standard output
	sed -e "s|@SBINDIR@|$SBINDIR|g" -e "s|@DATADIR@|$DATADIR|g" \
	    -e "s|@DOCDIR@|$DOCDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	    -e "s|@STATEDIR@|$STATEDIR|g" -e "s|@LOGDIR@|$LOGDIR|g" "$1"
}

do_install() {
	manifest | while read -r mode src dst; do
		[ -f "$src" ] || { echo "install: $src is missing (run make first)" >&2; exit 1; }
		install -d -m 755 "$DESTDIR${dst%/*}"
		case $src in
		*.in|contrib/systemd/*)
			fill "$src" >"$DESTDIR$dst.tmp"
			chmod "$mode" "$DESTDIR$dst.tmp"
			mv -f "$DESTDIR$dst.tmp" "$DESTDIR$dst" ;;
		*)
			install -m "$mode" "$src" "$DESTDIR$dst" ;;
		esac
	done
	conf=$DESTDIR$SYSCONFDIR/bergerie/bergerie.conf
	install -d -m 755 "${conf%/*}"
	if [ -e "$conf" ]; then
		echo "install: $conf exists: kept (the new sample is build/bergerie.conf)"
	else
		install -m 644 build/bergerie.conf "$conf"
	fi
	install -d -m 755 "$DESTDIR$STATEDIR"
	install -d -m 750 "$DESTDIR$LOGDIR"
	if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ]; then
		scripts/add-user.sh "$RUNUSER"
		chown "$RUNUSER:$RUNUSER" "$LOGDIR"
	elif [ -z "$DESTDIR" ]; then
		echo "install: not root: create the user $RUNUSER yourself (scripts/add-user.sh)" >&2
	fi
	if [ -z "$DESTDIR" ] && [ ! -e "$STATEDIR/.country.sha256" ]; then
		echo "install: no default GeoIP data yet: run $SBINDIR/bergerie-fetch-geoip"
	fi
}

do_uninstall() {
	manifest | while read -r _ _ dst; do
		rm -f "$DESTDIR$dst"
	done
	for d in "$DATADIR/geo" "$DATADIR" "$DOCDIR/examples" "$DOCDIR/siem" \
		"$DOCDIR" "$MANDIR/man8" "$BASHCOMPDIR" "$UNITDIR"; do
		rmdir "$DESTDIR$d" 2>/dev/null || true
	done
	echo "uninstall: kept $SYSCONFDIR/bergerie, $STATEDIR, $LOGDIR and the user $RUNUSER"
}

case ${1:-} in
install) do_install ;;
uninstall) do_uninstall ;;
list) manifest | while read -r _ _ dst; do echo "$dst"; done ;;
*) echo "usage: $0 install|uninstall|list" >&2; exit 2 ;;
esac
