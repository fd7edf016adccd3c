#!/bin/sh
# gen-config.sh: writes the sample configuration file from the options table.
#
#   scripts/gen-config.sh BERGERIE TEMPLATE OUT [SYSCONFDIR]
#
# Every option the configuration file accepts (all but --config, --help,
# --version and --dump-options) goes in place of @OPTIONS@, commented out,
# under its help line: "#name = ARG" or "#name" for a flag.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 BERGERIE TEMPLATE OUT [SYSCONFDIR]" >&2; exit 2; }
bin=$1 template=$2 out=$3 sysconfdir=${4:-/etc}
tmp=$out.tmp.$$
trap 'rm -f "$tmp" "$tmp.opts"' EXIT

"$bin" --dump-options | awk -F '\t' '
NF != 4 { print "gen-config: bad --dump-options line: " $0 > "/dev/stderr"; exit 1 }
$1 == "config" || $1 == "help" || $1 == "version" || $1 == "dump-options" { next }
{
	print ""
	print "# " $4 (($2 != "-") ? " (-" $2 ")" : "")
	if ($3 != "-") print "#" $1 " = " $3
	else print "#" $1
}' >"$tmp.opts"
[ -s "$tmp.opts" ] || { echo "$0: no options from $bin" >&2; exit 1; }
awk -v opts="$tmp.opts" '
$0 == "@OPTIONS@" { while ((getline l < opts) > 0) print l; done = 1; next }
{ print }
END { if (!done) exit 1 }' "$template" | sed "s|@SYSCONFDIR@|$sysconfdir|g" >"$tmp"
mv -f "$tmp" "$out"
