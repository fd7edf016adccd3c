#!/usr/bin/env bash
# bergerie(8), the bash completion, the sample configuration and the systemd
# units (issue 8), generated from the binary under test as `make` generates
# them: every option of `--dump-options` must appear in the man page, the
# completion and the sample configuration; `groff -man -ww` and
# `man --warnings` must say nothing; the page must list the exit statuses,
# the signals and explain; the completion must offer options, interfaces
# for -i, files for -r, comma lists of verdicts for --fail-on and the
# explain subcommand; the sample configuration must load; the units must
# pass `systemd-analyze verify` (skipped where systemd-analyze is missing);
# the example records of docs/records.md must pass the schema.
set -u
cd "$(dirname "$0")/../.." || exit 1
bin=${BERGERIE:-build/san/bergerie}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "$*"; fail=1; }

scripts/gen-man.sh "$bin" docs/man/bergerie.8.in "$tmp/bergerie.8" || no "gen-man.sh failed"
scripts/gen-completion.sh "$bin" contrib/bash-completion/bergerie.in "$tmp/bergerie.bash" || no "gen-completion.sh failed"
scripts/gen-config.sh "$bin" contrib/bergerie.conf.in "$tmp/bergerie.conf" || no "gen-config.sh failed"
"$bin" --dump-options >"$tmp/options.tsv" || no "--dump-options failed"
n=$(wc -l <"$tmp/options.tsv")
[ "$n" -ge 40 ] || no "--dump-options lists only $n options"

# The page as a reader sees it (hyphens plain, no hyphenation at line ends).
if command -v groff >/dev/null; then
	w=$(groff -man -ww -z "$tmp/bergerie.8" 2>&1)
	[ -z "$w" ] || no "groff -man -ww: $w"
	groff -man -Tutf8 -rLL=200n -P-c -P-b -P-u "$tmp/bergerie.8" 2>/dev/null |
		sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' >"$tmp/page.txt"
else
	no "groff is not installed (scripts/deps.sh test)"
fi
if command -v man >/dev/null; then
	w=$(MANPAGER=cat MANWIDTH=80 man --warnings -E UTF-8 -l "$tmp/bergerie.8" 2>&1 >/dev/null)
	[ -z "$w" ] || no "man --warnings: $w"
fi

while IFS=$'\t' read -r name letter arg _; do
	grep -q -- "--$name\b" "$tmp/page.txt" || no "man page: no --$name"
	if [ "$letter" != - ]; then
		grep -q -- "-$letter, --$name" "$tmp/page.txt" || no "man page: no -$letter, --$name"
	fi
	if [ "$arg" != - ]; then
		grep -q -- "--$name $arg" "$tmp/page.txt" || no "man page: no --$name $arg"
	fi
	grep -q -- "[ ']--${name}[ ']" "$tmp/bergerie.bash" || no "completion: no --$name"
	case $name in
	config|help|version|dump-options) ;;
	*) grep -q "^#$name\( = \|$\)" "$tmp/bergerie.conf" || no "sample configuration: no $name" ;;
	esac
done <"$tmp/options.tsv"
for s in 'EXIT STATUS' SIGINT SIGTERM SIGHUP SIGUSR1 'bergerie explain' third_country \
	eu_foreign_control 'first rule that matches' /etc/bergerie/bergerie.conf /var/lib/bergerie; do
	grep -q -- "$s" "$tmp/page.txt" || no "man page: nothing about '$s'"
done
for st in 0 1 2 3; do
	awk '/^EXIT STATUS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$tmp/page.txt" |
		grep -q "^ *$st  *\|^ *$st$" || no "man page: exit status $st missing"
done

# The sample configuration loads (every line a comment) and a line from it,
# uncommented, is accepted.
"$bin" --config "$tmp/bergerie.conf" --version >/dev/null || no "the sample configuration does not load"
sed -e 's/^#alert-window = SECONDS$/alert-window = 30/' -e 's/^#no-promisc$/no-promisc/' \
	"$tmp/bergerie.conf" >"$tmp/set.conf"
grep -q '^alert-window = 30$' "$tmp/set.conf" || no "sample configuration: no alert-window line"
"$bin" --config "$tmp/set.conf" --version >/dev/null || no "uncommented sample lines do not load"

# The completion, driven as bash drives it.
cat >"$tmp/complete.sh" <<'SH'
. "$1"
mkdir -p "$2/caps" && : >"$2/caps/office.pcap"
t() {	# WANT WORD...: COMPREPLY for the last word
	local want=$1; shift
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_bergerie
	if [ "${COMPREPLY[*]}" != "$want" ]; then
		echo "completion of '$*': got '${COMPREPLY[*]}', want '$want'"; bad=1
	fi
}
bad=0
t "--fail-on" bergerie --fail
t "third_country" bergerie --fail-on thi
t "third_country,eu third_country,eu_foreign_control" bergerie --fail-on third_country,e
t "eu,unknown" bergerie --fail-on = eu,u
t "lo" bergerie -i lo
t "lo" bergerie --interface lo
t "$2/caps/office.pcap" bergerie -r "$2/caps/off"
t "$2/caps/office.pcap" bergerie --read "$2/caps/off"
t "explain" bergerie exp
t "--json" bergerie explain --js
t "-r" bergerie -r
t "local3" bergerie --syslog-facility local3
exit $bad
SH
bash "$tmp/complete.sh" "$tmp/bergerie.bash" "$tmp" || fail=1
if command -v shellcheck >/dev/null; then
	shellcheck -s bash "$tmp/bergerie.bash" || no "shellcheck: the generated completion"
fi

# The units, with the folders filled in as make install fills them.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/units"
	for u in contrib/systemd/*; do
		sed -e "s|@SBINDIR@|$PWD/build/san|g" -e "s|@SYSCONFDIR@|/etc|g" "$u" >"$tmp/units/${u##*/}"
	done
	ln -sf bergerie "$tmp/units/bergerie-fetch-geoip" 2>/dev/null
	cp "$bin" "$tmp/units/" 2>/dev/null
	sed -i "s|$PWD/build/san|$tmp/units|g" "$tmp/units/"*.service
	out=$(systemd-analyze verify --man=no "$tmp/units/bergerie.service" "$tmp/units/bergerie-geoip.service" \
		"$tmp/units/bergerie-geoip.timer" 2>&1 | grep -v 'Failed to \(connect\|create\|open\)\|dbus\|bus\b')
	[ -z "$out" ] || no "systemd-analyze verify: $out"
else
	echo "systemd-analyze is missing: units not verified"
fi
# docs/records.md's examples are real records: they must still pass the schema.
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	/usr/bin/python3 - docs/records.md >"$tmp/records.ndjson" <<'PY' || no "docs/records.md: unreadable JSON examples"
import json, re, sys
for b in re.findall(r"^```json\n(.*?)^```$", open(sys.argv[1]).read(), re.S | re.M):
    print(json.dumps(json.loads(b), separators=(",", ":")))
PY
	[ "$(wc -l <"$tmp/records.ndjson")" -eq 3 ] || no "docs/records.md: want a flow record, an alert and a statistics record"
	/usr/bin/python3 tests/schema-validate.py docs/schema/bergerie.schema.json "$tmp/records.ndjson" >"$tmp/schema.out" ||
		no "docs/records.md: examples fail the schema (regenerate them): $(cat "$tmp/schema.out")"
fi

[ $fail = 0 ] && echo "docs: $n options in the man page, the completion and the sample configuration"
exit $fail
