#!/usr/bin/env bash
# The command line as a user meets it: help, version, exit statuses
# (CONTRACT.md section 4), one-line errors naming the file, standard input,
# several files as one stream, reproducible output, SIGTERM flushing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

check() {	# description, expected status, command...
	local what=$1 want=$2 rc
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $what: exit $rc, expected $want"; sed 's/^/  /' "$tmp/err" | head -5; fail=1
		return 1
	fi
	return 0
}

one_line_naming() {	# description, text the single stderr line must contain
	n=$((n + 1))
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -qF -- "$2" "$tmp/err"; then
		echo "FAIL $1: expected one line naming '$2', got:"; sed 's/^/  /' "$tmp/err" | head -5; fail=1
	fi
}

# shellcheck disable=SC2086
run() { "$bin" $GEO_OPTS --observer-name cli "$@"; }

check "--help" 0 "$bin" --help && grep -q -- "--flow-memcap" "$tmp/out" || { echo "FAIL --help lacks options"; fail=1; }
check "--version" 0 "$bin" --version && grep -q '^bergerie [0-9]' "$tmp/out" || { echo "FAIL --version"; fail=1; }
check "no input" 2 run
check "unknown option" 2 run --no-such-option -r pcaps/tcp-basic.pcap
one_line_naming "unknown option" "--no-such-option"
check "missing file" 3 run -r "$tmp/nonexistent.pcap"
one_line_naming "missing file" "$tmp/nonexistent.pcap"
printf 'this is not a capture\n' >"$tmp/garbage.pcap"
check "garbage file" 3 run -r "$tmp/garbage.pcap"
one_line_naming "garbage file" "$tmp/garbage.pcap"
radiotap=../shared/pcaps/public/tcpdump/tests_802_15_4-data.pcap
if [ -f "$radiotap" ]; then
	check "unsupported link type" 3 run -r "$radiotap"
	one_line_naming "unsupported link type" "unsupported link type"
fi
check "bad BPF" 2 run -r pcaps/tcp-basic.pcap 'tcp port nonsense'
one_line_naming "bad BPF" "filter"
check "bad observer name" 2 run -r pcaps/tcp-basic.pcap --observer-name 'bad name!'
# A syslog port out of 1-65535 is a usage error, not port modulo 65536.
check "syslog port 99999" 2 run -r pcaps/tcp-basic.pcap --syslog udp://127.0.0.1:99999
one_line_naming "syslog port 99999" "udp://127.0.0.1:99999"
check "syslog port 0" 2 run -r pcaps/tcp-basic.pcap --syslog tcp://127.0.0.1:0
check "two streams on stdout" 2 run -r pcaps/tcp-basic.pcap --flows - --metrics -
printf '{\n  "rules": [\n    {"id": "x", "action": "flag",}\n  ]\n}\n' >"$tmp/bad-policy.json"
check "policy syntax error" 2 run -r pcaps/tcp-basic.pcap --policy "$tmp/bad-policy.json"
one_line_naming "policy syntax error" "$tmp/bad-policy.json:3:"
check "corrupt GeoIP database" 2 "$bin" -r pcaps/tcp-basic.pcap --geoip-country "$fixtures/truncated.mmdb"
one_line_naming "corrupt GeoIP database" "truncated.mmdb"

# Standard input gives what the file gives (but the file's name).
check "-r FILE" 0 run -r pcaps/office.pcap --flows "$tmp/file.json" -q
check "-r -" 0 run -r - --flows "$tmp/stdin.json" -q <pcaps/office.pcap
sed 's/"path":"[^"]*"//' "$tmp/file.json" >"$tmp/a"; sed 's/"path":"[^"]*"//' "$tmp/stdin.json" >"$tmp/b"
n=$((n + 1)); cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL -r - differs from -r FILE"; fail=1; }

# Reproducible: the same input and options, byte-identical output.
check "replay again" 0 run -r pcaps/office.pcap --flows "$tmp/again.json" -q
n=$((n + 1)); cmp -s "$tmp/file.json" "$tmp/again.json" || { echo "FAIL two replays differ"; fail=1; }

# Several -r: one stream, each flow naming the file of its first packet.
check "two files" 0 run -r pcaps/tcp-basic.pcap -r pcaps/sctp.pcap --flows "$tmp/two.json" -q
n=$((n + 1))
if [ "$(grep -c '"path":"pcaps/tcp-basic.pcap"' "$tmp/two.json")" -ne 4 ] ||
   [ "$(grep -c '"path":"pcaps/sctp.pcap"' "$tmp/two.json")" -ne 1 ]; then
	echo "FAIL two files: expected 4 flows from tcp-basic and 1 from sctp"; fail=1
fi

# A capture cut in the middle of a packet: what was read is flushed, then
# exit 3 with one line naming the file.
head -c 3000 pcaps/office.pcap >"$tmp/cut.pcap"
check "truncated capture" 3 run -r "$tmp/cut.pcap" --flows "$tmp/cut.json"
one_line_naming "truncated capture" "$tmp/cut.pcap"
n=$((n + 1)); [ -s "$tmp/cut.json" ] || { echo "FAIL truncated capture: flows read before the cut were not written"; fail=1; }

# SIGTERM: exit 0, every flow written, ended with reason shutdown.
mkfifo "$tmp/fifo"
# shellcheck disable=SC2086
"$bin" $GEO_OPTS --observer-name cli -r - --flows "$tmp/term.json" -q <"$tmp/fifo" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
head -c 100000 pcaps/office.pcap >&3
sleep 1
kill -TERM "$pid"
wait "$pid"; rc=$?
exec 3>&-
n=$((n + 1))
if [ $rc -ne 0 ] || ! grep -q '"end_reason":"shutdown"' "$tmp/term.json" ||
   ! /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/term.json"; then
	echo "FAIL SIGTERM: exit $rc, records:"; head -c 300 "$tmp/term.json"; fail=1
fi

# explain: a bad address is a usage error; JSON types per CONTRACT.md 6.
check "explain bad address" 2 "$bin" explain $GEO_OPTS not-an-address
check "explain --json" 0 "$bin" explain $GEO_OPTS --json 35.180.0.10 10.1.2.3
n=$((n + 1))
/usr/bin/python3 - "$tmp/out" <<'PY' || { echo "FAIL explain --json types"; fail=1; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2, rows
a, b = rows
assert a["address"] == "35.180.0.10" and a["country"] == "FR" and a["asn"] == 16509, a
assert isinstance(a["laws"], list) and a["jurisdiction"] == "US", a
assert a["verdict"] == "eu_foreign_control", a
assert b["verdict"] == "local" and "country" not in b, b
for r in rows:
    assert None not in r.values(), r
PY

echo "cli: $n checks"
exit $fail
