#!/bin/sh
# gen-completion.sh: writes bergerie's bash completion from the options table.
#
#   scripts/gen-completion.sh BERGERIE TEMPLATE OUT
#
# `BERGERIE --dump-options` (name, letter, argument, help; tab-separated, "-"
# for none) gives the options; those with an argument go in @OPTS_ARG@, the
# others in @OPTS_FLAG@, each as --long and, when it has one, -letter.
set -eu

[ $# -eq 3 ] || { echo "usage: $0 BERGERIE TEMPLATE OUT" >&2; exit 2; }
bin=$1 template=$2 out=$3
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

lists=$("$bin" --dump-options | awk -F '\t' '
NF != 4 { print "gen-completion: bad --dump-options line: " $0 > "/dev/stderr"; exit 1 }
{
	w = "--" $1
	if ($2 != "-") w = "-" $2 " " w
	if ($3 != "-") arg = arg (arg ? " " : "") w
	else flag = flag (flag ? " " : "") w
}
END { print arg; print flag }')
arg=$(printf '%s\n' "$lists" | sed -n 1p)
flag=$(printf '%s\n' "$lists" | sed -n 2p)
if [ -z "$arg" ] || [ -z "$flag" ]; then
	echo "$0: no options from $bin" >&2
	exit 1
fi
sed -e "s|@OPTS_ARG@|$arg|" -e "s|@OPTS_FLAG@|$flag|" "$template" >"$tmp"
if grep -n '@[A-Z_]*@' "$tmp" >&2; then
	echo "$0: unreplaced placeholder in $template" >&2
	exit 1
fi
mv -f "$tmp" "$out"
