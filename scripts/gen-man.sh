#!/bin/sh
# gen-man.sh: writes bergerie(8) from the options table and the template.
#
#   scripts/gen-man.sh BERGERIE TEMPLATE OUT [VAR=VALUE...]
#
# BERGERIE is the built binary: `BERGERIE --dump-options` prints the table
# (name, letter, argument, help; tab-separated, "-" for none), which becomes
# the OPTIONS section in place of the template's @OPTIONS@ line. VARs fill
# @DATADIR@, @STATEDIR@, @SYSCONFDIR@, @DOCDIR@ and @VERSION@; @DATE@ comes
# from SOURCE_DATE_EPOCH (Debian sets it), else the last commit, else today,
# so a rebuild of the same tree writes the same page.
# Check the result with: groff -man -ww -z OUT (no output means no warning).
set -eu

[ $# -ge 3 ] || { echo "usage: $0 BERGERIE TEMPLATE OUT [VAR=VALUE...]" >&2; exit 2; }
bin=$1 template=$2 out=$3
shift 3

DATADIR=/usr/local/share/bergerie
STATEDIR=/var/lib/bergerie
SYSCONFDIR=/etc
DOCDIR=/usr/local/share/doc/bergerie
VERSION=$("$bin" --version | awk '{ print $NF; exit }')
for kv in "$@"; do
	case $kv in
	DATADIR=*|STATEDIR=*|SYSCONFDIR=*|DOCDIR=*|VERSION=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "$0: unknown variable $kv" >&2; exit 2 ;;
	esac
done
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
	DATE=$(git -C "$(dirname "$0")" log -1 --format=%cs 2>/dev/null || true)
	[ -n "$DATE" ] || DATE=$(date -u +%Y-%m-%d)
fi

tmp=$out.tmp.$$
trap 'rm -f "$tmp" "$tmp.opts"' EXIT

# One .TP entry per option. roff: '\' is written '\e', '-' in names '\-';
# a help line starting with '.' or "'" would be a request: '\&' guards it.
"$bin" --dump-options | awk -F '\t' '
function esc(s) { gsub(/\\/, "\\e", s); return s }
function dash(s) { s = esc(s); gsub(/-/, "\\-", s); return s }
NF != 4 { print "gen-man: bad --dump-options line: " $0 > "/dev/stderr"; bad = 1; exit 1 }
{
	head = ""
	if ($2 != "-")
		head = "\\fB\\-" dash($2) "\\fR, "
	head = head "\\fB\\-\\-" dash($1) "\\fR"
	if ($3 != "-")
		head = head " \\fI" dash($3) "\\fR"
	help = esc($4)
	sub(/^[.\047]/, "\\\\&&", help)
	print ".TP"
	print head
	print help "."
	n++
}
END { if (!bad && n == 0) { print "gen-man: no options" > "/dev/stderr"; exit 1 } }
' >"$tmp.opts"

awk -v opts="$tmp.opts" '
$0 == "@OPTIONS@" { while ((getline l < opts) > 0) print l; done = 1; next }
{ print }
END { if (!done) { print "gen-man: no @OPTIONS@ line in the template" > "/dev/stderr"; exit 1 } }
' "$template" | sed \
	-e "s|@DATADIR@|$(printf '%s' "$DATADIR" | sed 's/-/\\\\-/g')|g" \
	-e "s|@STATEDIR@|$(printf '%s' "$STATEDIR" | sed 's/-/\\\\-/g')|g" \
	-e "s|@SYSCONFDIR@|$(printf '%s' "$SYSCONFDIR" | sed 's/-/\\\\-/g')|g" \
	-e "s|@DOCDIR@|$(printf '%s' "$DOCDIR" | sed 's/-/\\\\-/g')|g" \
	-e "s|@VERSION@|$VERSION|g" \
	-e "s|@DATE@|$DATE|g" >"$tmp"
if grep -n '@[A-Z]*@' "$tmp" >&2; then
	echo "$0: unreplaced placeholder in $template" >&2
	exit 1
fi
mv -f "$tmp" "$out"
