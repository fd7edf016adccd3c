#!/usr/bin/env bash
# The dashboard end to end (issue 6), in a private tmux server: a replay of
# pcaps/office.pcap at --speed max, then keys, and what capture-pane shows:
# header, bars, sorting, filters (verdict and text), the detail view with
# its explain chain, help, pause, a resize to 80x24, quitting (the shell
# prompt and the normal screen back, stty sane), the terminal restored on
# SIGTERM and on a crash signal, the ASCII fallback, usage errors.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh

if ! command -v tmux >/dev/null 2>&1; then
	echo "tmux is not installed: dashboard tests skipped"
	exit 77
fi

S=
n_server=0
tmp=$(mktemp -d)
fails=0
trap '[ -n "$S" ] && tmux -L "$S" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	echo "---- screen ----"
	cap
	echo "----------------"
	fails=$((fails + 1))
}

cap() { tmux -L "$S" capture-pane -p -t t; }
cap_all() { tmux -L "$S" capture-pane -p -t t -S -200; }
keys() { tmux -L "$S" send-keys -t t "$@"; }
alt_on() { tmux -L "$S" display-message -p -t t '#{alternate_on}'; }

# Waits until the screen matches an extended regular expression.
wait_for() {	# pattern [seconds]
	local i n=$((${2:-20} * 10))
	for ((i = 0; i < n; i++)); do
		cap | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

expect() {	# pattern what
	wait_for "$1" 10 || fail "$2 (no /$1/)"
}

# The selected row of the flow list, and its first row.
selected() { cap | grep -E '^>' | head -n 1; }
first_row() { cap | grep -A1 -E '^ Host +Remote' | tail -n 1; }

start_shell() {	# width height
	# A server of its own each time: a killed one may still be going.
	[ -n "$S" ] && tmux -L "$S" kill-server 2>/dev/null
	n_server=$((n_server + 1))
	S=bergerie-test-$$-$n_server
	tmux -L "$S" -f /dev/null new-session -d -s t -x "$1" -y "$2" \
		"env PS1='tui-test\$ ' LANG=${LANG_UNDER_TEST:-C.UTF-8} bash --norc --noprofile"
	wait_for 'tui-test\$' 10 || { echo "no shell in tmux"; exit 1; }
}

stty_sane() {	# what
	rm -f "$tmp/stty"
	keys "stty -a > $tmp/stty" Enter
	for _ in $(seq 50); do [ -s "$tmp/stty" ] && break; sleep 0.1; done
	{ grep -q -- ' icanon' "$tmp/stty" && grep -q -- ' echo ' "$tmp/stty"; } ||
		fail "$1: terminal modes not restored: $(tr '\n' ' ' < "$tmp/stty")"
	[ "$(alt_on)" = 0 ] || fail "$1: still on the alternate screen"
}

run="$bin -r pcaps/office.pcap --tui --refresh 0.2 $GEO_OPTS"

# The shares the dashboard must show are the replay summary's.
# shellcheck disable=SC2086
summary=$($bin -r pcaps/office.pcap $GEO_OPTS 2>/dev/null)
share() { echo "$summary" | awk -v v="$1" '$1 == v { print $4 }' | sed 's/\./\\./'; }
leaving=$(echo "$summary" | sed -n 's/^Leaving the EU: \([^(]*\) (\([0-9.]*%\)).*/\2/p' | sed 's/\./\\./')
leaving_bytes=$(echo "$summary" | sed -n 's/^Leaving the EU: \([^(]*\) (.*/\1/p' | sed 's/\./\\./')
if [ -z "$leaving" ] || [ -z "$(share unknown)" ]; then echo "no summary to compare with"; exit 1; fi

# ---- The main screen at 100x30 ---------------------------------------------
start_shell 100 30
keys "$run --speed max; echo EXITED \$?" Enter
expect '\[END: q quits\]' "replay reaches its end and stays"
[ "$(alt_on)" = 1 ] || fail "the dashboard is not on the alternate screen"
expect 'office\.pcap' "header names the source"
expect '2026-03-02 09:01:50Z' "header shows the capture's clock"
expect "Leaving the EU: $leaving \\(now 0\\.0%\\)" "share leaving the EU (as the summary)"
expect "eu_foreign_control $(share eu_foreign_control)" "eu_foreign_control beside it"
expect "unknown $(share unknown)" "unknown beside it"
for v in local eu eu_foreign_control adequate third_country unknown; do
	cap | grep -Eq "^ $v +[^ ].* [0-9.]+%\$" || cap | grep -Eq "^ $v " ||
		fail "verdict bar for $v"
done
cap | grep -q 'unknown  *█' || fail "UTF-8 bar for unknown"
expect 'Infomaniak +CH' "top operators with their controlling jurisdiction"
expect 'Amazon Web Services +US' "operator controlled from the US"
expect '^ local .* Countries|CH +[0-9.]+k' "top countries"
expect 'Flows 13 of 13 +sort bytes' "flow list title"
expect 'Alerts \(latest first\) +[0-9]+ in all' "alert pane"
expect '^09:01:50Z low +unknown +10\.1\.0\.30 -> 89\.248\.165\.10 +default\.unknown' "the latest alert in the pane: time, severity, verdict, hosts, rule"
expect ' q quit ' "footer keys"
selected | grep -q 'push\.bergerie-demo\.fr' || fail "largest flow first by bytes"

# ---- Sorting -----------------------------------------------------------------
keys v
expect 'sort verdict' "sort by verdict"
first_row | grep -q 'third_country' || fail "verdict sort puts third_country first"
selected | grep -q 'push\.bergerie-demo\.fr' || fail "the selection follows its flow"
keys v
expect 'sort verdict ▲' "sort by verdict reversed"
first_row | grep -q 'local' || fail "reversed verdict sort puts local first"
keys a
expect 'sort age' "sort by age"
keys r
expect 'sort rate' "sort by rate"
keys b
expect 'sort bytes ▼' "back to bytes"

# ---- Filters ------------------------------------------------------------------
keys 5
expect 'Flows 1 of 13 .*verdict: third_country' "verdict filter (5 = third_country)"
first_row | grep -q '8\.8\.8\.8 .*third_country' || fail "the third_country row"
keys 6
expect 'Flows 3 of 13 .*verdict: third_country unknown' "a second verdict in the filter"
keys 0
expect 'Flows 13 of 13' "filters cleared"
keys / 
expect '^/' "the text prompt"
keys f d 0 0 Enter
expect 'Flows 2 of 13 .*/fd00' "text filter"
[ "$(cap | grep -cE '^[> ]fd00:')" -eq 2 ] || fail "text filter rows"
keys 0 / 8 . 8 . 8 . 8 Enter
expect 'Flows 1 of 13' "filter on an address"

# ---- Detail ------------------------------------------------------------------
keys Enter
expect 'Flow 10\.1\.0\.30 -> 8\.8\.8\.8' "detail title"
expect 'Explain: bergerie explain 8\.8\.8\.8' "explain chain"
expect 'Verdict +third_country' "detail verdict"
expect 'Operator +Google.*controlled from US' "detail operator"
cap | grep -q 'third_country' || fail "explain text"
keys Escape
expect 'Flows 1 of 13' "Esc back to the list"
keys 0

# ---- Help, pause --------------------------------------------------------------
keys '?'
expect 'bergerie help' "help screen"
expect 'pause / resume' "help lists the keys"
expect 'eu_foreign_control +EU/EEA' "help explains the verdicts"
keys '?'
expect 'Flows 13 of 13' "help closed"
keys p
expect '\[PAUSED\]' "pause"
keys p
wait_for '\[PAUSED\]' 1 && cap | grep -q '\[PAUSED\]' && fail "resume"

# ---- Resize to 80x24 --------------------------------------------------------
tmux -L "$S" resize-window -t t -x 80 -y 24
sleep 0.5
expect 'Leaving the EU' "header after resize"
[ "$(cap | wc -l)" -eq 24 ] || fail "24 lines after resize"
cap | tail -n 1 | grep -q ' q quit ' || fail "footer on the last line at 80x24"
[ "$(cap | LC_ALL=C.UTF-8 wc -L)" -le 80 ] || fail "lines of 80 columns at most"
expect '^ Alerts' "alert pane at 80x24"
expect 'third_country +▏' "bars at 80 columns"

# ---- Quit ----------------------------------------------------------------------
keys q
expect '^EXITED 0' "q quits with status 0"
cap_all | grep -q "Leaving the EU: $leaving_bytes" || fail "the summary after the dashboard"
expect 'tui-test\$' "the shell prompt is back"
stty_sane "after q"

# ---- SIGTERM and a crash signal restore the terminal ---------------------------
for sig in TERM SEGV; do
	start_shell 100 30
	keys "sh -c 'echo \$\$ > $tmp/pid; exec $run --speed 1'; echo EXITED \$?" Enter
	expect 'bergerie  office\.pcap' "dashboard up before SIG$sig"
	kill -"$sig" "$(cat "$tmp/pid")"
	expect '^EXITED [0-9]+' "SIG$sig ends bergerie"
	case $sig in
	TERM) cap | grep -q '^EXITED 0' || fail "SIGTERM: exit status 0" ;;
	SEGV) cap | grep -q '^EXITED 139' || fail "SIGSEGV re-raised (status 139)" ;;
	esac
	expect 'tui-test\$' "prompt back after SIG$sig"
	stty_sane "after SIG$sig"
done

# ---- --pseudonymize: no home address on the screen (CONTRACT 7) -------------
head -c 32 /dev/zero | tr '\0' 'k' >"$tmp/key"
start_shell 100 30
keys "$run --speed max --pseudonymize $tmp/key" Enter
expect '\[END: q quits\]' "pseudonymised replay"
expect 'push\.bergerie-demo\.fr' "remote names still shown"
cap | grep -Eq '10\.1\.0\.|fd00:10:' && fail "a home address on screen under --pseudonymize"
keys q

# ---- No UTF-8, no colour: ASCII bars ----------------------------------------
LANG_UNDER_TEST=C start_shell 100 30
keys "NO_COLOR=1 $run --speed max" Enter
expect '\[END: q quits\]' "replay in the C locale"
cap | grep -Eq '^ unknown +#+' || fail "ASCII bars without UTF-8"
cap | grep -q '█' && fail "no UTF-8 in the C locale"
expect 'sort bytes v' "ASCII sort arrow"
keys q
expect 'tui-test\$' "prompt back (C locale)"

# ---- Usage errors --------------------------------------------------------------
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --tui --flows - $GEO_OPTS >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--tui with JSON on stdout: exit 2"
grep -q -- '--tui' "$tmp/err" || fail "--tui error names the option"
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --tui $GEO_OPTS >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "--tui without a terminal: exit 2"
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --speed fast $GEO_OPTS >/dev/null 2>&1
[ $? -eq 2 ] || fail "--speed fast: exit 2"
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --refresh 0 $GEO_OPTS >/dev/null 2>&1
[ $? -eq 2 ] || fail "--refresh 0: exit 2"
# Headless replay output is unchanged by --speed and --no-tui.
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --observer-name t --flows "$tmp/a" $GEO_OPTS >/dev/null 2>&1
# shellcheck disable=SC2086
$bin -r pcaps/office.pcap --observer-name t --no-tui --speed 200 --flows "$tmp/b" $GEO_OPTS >/dev/null 2>&1
cmp -s "$tmp/a" "$tmp/b" || fail "--speed changes a replay's records"

if [ "$fails" -gt 0 ]; then
	echo "tui: $fails failure(s)"
	exit 1
fi
echo "tui: all checks passed"
