#!/usr/bin/env bash
# Privileges (CONTRACT.md section 10): started as root, bergerie opens its
# capture and outputs, hands the output files to the run-as user, then runs
# as that user with no capability at all (CAP_NET_RAW alone with --retry).
# Checked in /proc/PID/status while it runs on lo: Uid, Gid, Groups,
# CapPrm, CapEff, CapBnd, NoNewPrivs. SIGUSR1 writes a statistics record,
# SIGHUP after a rotation makes the unprivileged user create the new files,
# -Z nosuchuser is a usage error, a replay drops too, -Z root keeps uid 0
# without capabilities, and a setcap'd binary run by nobody captures and
# then drops its capabilities. Traffic: UDP datagrams to 127.0.0.1 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
BERGERIE_NO_WRAP=1	# the binary itself, not tests/tools/as-root.sh
export BERGERIE_NO_WRAP
. tests/capture/common.sh
py=/usr/bin/python3

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the privilege drop is tested as root (running as uid $(id -u))"
	exit 77
fi
if ! getent passwd nobody >/dev/null; then
	echo "skipped: no user 'nobody' on this machine"
	exit 77
fi
nogroup=$(id -gn nobody)
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
timeout 1 "$bin" -Z root -i lo --no-geoip -q --flows /dev/null 'udp port 9' \
	2>"$tmp/probe" </dev/null
if grep -qiE "permission|not permitted" "$tmp/probe"; then
	echo "skipped: no permission to capture on lo ($(head -n 1 "$tmp/probe"))"
	exit 77
fi
# The run-as user must reach its files: a folder of its own.
chmod 755 "$tmp"
out=$tmp/out
mkdir "$out"
chown "nobody:$nogroup" "$out"

fail=0
bad() { echo "FAIL: $*"; fail=1; }

send() {	# port count
	$py - "$1" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"bergerie privileges test %d" % i, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.02)
PY
}

field() {	# pid name: the value of one /proc/PID/status line
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }' \
		"/proc/$1/status"	# fields joined by one space
}

wait_open() {	# pid: until the drop is done (Uid changes or 5 s)
	local _
	for _ in $(seq 50); do
		[ -r "/proc/$1/status" ] || return 1
		[ "$(field "$1" NoNewPrivs)" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

expect_status() {	# pid what uid capprm capeff
	local p=$1 what=$2 uid=$3 prm=$4 eff=$5 v
	wait_open "$p" || { bad "$what: never dropped (NoNewPrivs not set)"; return; }
	v=$(field "$p" Uid)
	[ "$v" = "$uid $uid $uid $uid" ] || bad "$what: Uid '$v', expected $uid x4"
	v=$(field "$p" CapPrm)
	[ "$v" = "$prm" ] || bad "$what: CapPrm $v, expected $prm"
	v=$(field "$p" CapEff)
	[ "$v" = "$eff" ] || bad "$what: CapEff $v, expected $eff"
	v=$(field "$p" CapInh)
	[ "$v" = 0000000000000000 ] || bad "$what: CapInh $v"
	v=$(field "$p" CapAmb)
	[ "$v" = 0000000000000000 ] || bad "$what: CapAmb $v"
}

nobody_uid=$(id -u nobody)
nobody_gid=$(getent group "$nogroup" | cut -d: -f3)
none=0000000000000000
raw=0000000000002000	# 1 << CAP_NET_RAW (13)

# 1. -Z nosuchuser: exit 2, nothing opened.
"$bin" -Z bergerie-no-such-user -i lo --no-geoip --flows "$out/never.json" \
	'udp port 9' 2>"$tmp/err" </dev/null
rc=$?
[ $rc -eq 2 ] || bad "-Z nosuchuser: exit $rc, expected 2"
grep -q "bergerie-no-such-user" "$tmp/err" || bad "-Z nosuchuser: message does not name the user: $(cat "$tmp/err")"
[ ! -e "$out/never.json" ] || bad "-Z nosuchuser: an output was created"

# 2. -Z nobody on lo: status, ownership, SIGUSR1, SIGHUP rotation.
port=$((20000 + RANDOM % 20000))
# shellcheck disable=SC2086
"$bin" -Z nobody -i lo $GEO_OPTS --no-tui --observer-name privs -q \
	--flows "$out/flows.json" --metrics "$out/metrics.json" \
	"udp port $port or udp port $((port + 1))" 2>"$tmp/err" </dev/null &
pid=$!
expect_status "$pid" "-Z nobody" "$nobody_uid" "$none" "$none"
v=$(field "$pid" Gid)
[ "$v" = "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] || bad "-Z nobody: Gid '$v'"
v=$(field "$pid" Groups)
case " $v " in *" 0 "*) bad "-Z nobody: still in group 0 ($v)" ;; esac
[ "$(field "$pid" CapBnd)" = "$none" ] || bad "-Z nobody: CapBnd $(field "$pid" CapBnd)"
for f in flows metrics; do
	[ "$(stat -c %U "$out/$f.json")" = nobody ] || bad "$f.json owned by $(stat -c %U "$out/$f.json"), not nobody"
done
send "$port" 3
kill -USR1 "$pid"
sleep 1.5	# handled at the next idle tick (at most 1 s)
mv "$out/flows.json" "$out/flows.json.1"
mv "$out/metrics.json" "$out/metrics.json.1"
kill -HUP "$pid"
sleep 1.5
[ -e "$out/flows.json" ] || bad "SIGHUP after the drop: flows.json was not created again"
send "$((port + 1))" 4
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || { bad "-Z nobody: exit $rc"; cat "$tmp/err"; }
for f in flows metrics; do
	[ "$(stat -c %U "$out/$f.json" 2>/dev/null)" = nobody ] || bad "reopened $f.json owned by '$(stat -c %U "$out/$f.json" 2>/dev/null)', not nobody"
done
$py - "$out" "$port" <<'PY' || fail=1
import json, os, sys
d, port = sys.argv[1], int(sys.argv[2])
def lines(name):
    p = os.path.join(d, name)
    return [json.loads(l) for l in open(p)] if os.path.exists(p) else []
m1, m2 = lines("metrics.json.1"), lines("metrics.json")
assert m1 and all(r["event"]["kind"] == "metric" for r in m1), \
    f"SIGUSR1: no statistics record before the rotation: {m1}"
assert m2 and m2[-1]["event"]["kind"] == "metric", "no final statistics record after the rotation"
flows = lines("flows.json.1") + lines("flows.json")
ports = sorted(f["destination"]["port"] for f in flows)
assert ports == [port, port + 1], f"flows after SIGHUP: ports {ports}"
new = lines("flows.json")
assert {f["destination"]["port"] for f in new} == {port, port + 1}, new
pk = {f["destination"]["port"]: f["source"]["packets"] for f in flows}
assert pk == {port: 3, port + 1: 4}, pk
print(f"privileges: {len(m1)} record(s) on SIGUSR1, rotation reopened by nobody, flows {pk}")
PY

# 3. --retry keeps CAP_NET_RAW, and only it.
"$bin" -Z nobody --retry -i lo --no-geoip --no-tui -q --flows "$out/retry.json" \
	'udp port 9' 2>"$tmp/err" </dev/null &
pid=$!
expect_status "$pid" "--retry" "$nobody_uid" "$raw" "$raw"
kill -TERM "$pid"
wait "$pid" || bad "--retry: exit $?: $(cat "$tmp/err")"
pid=

# 4. A replay as root drops too (default user: _bergerie, else nobody
# with a warning); standard input stays open so it can be looked at.
want_user=_bergerie
getent passwd _bergerie >/dev/null || want_user=nobody
mkfifo "$tmp/fifo"
# shellcheck disable=SC2086
"$bin" -r - $GEO_OPTS --no-tui --flows "$out/replay.json" <"$tmp/fifo" \
	>/dev/null 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
cat pcaps/tcp-basic.pcap >&3
expect_status "$pid" "replay" "$(id -u "$want_user")" "$none" "$none"
exec 3>&-
wait "$pid" || bad "replay: exit $?: $(cat "$tmp/err")"
pid=
if [ "$want_user" = nobody ]; then
	grep -q "warning: user _bergerie does not exist" "$tmp/err" ||
		bad "replay: no warning about the missing _bergerie user: $(cat "$tmp/err")"
fi
[ -s "$out/replay.json" ] || bad "replay: no flow records"

# 5. -Z root: uid 0 on purpose, still without capabilities.
"$bin" -Z root -i lo --no-geoip --no-tui -q --flows "$out/root.json" \
	'udp port 9' 2>"$tmp/err" </dev/null &
pid=$!
expect_status "$pid" "-Z root" 0 "$none" "$none"
kill -TERM "$pid"
wait "$pid" || bad "-Z root: exit $?"
pid=

# 6. Without root: -Z another user is a usage error.
setpriv --reuid=nobody --regid="$nogroup" --clear-groups \
	"$bin" -Z root -r pcaps/tcp-basic.pcap --no-geoip -q 2>"$tmp/err" </dev/null
rc=$?
if [ $rc -ne 2 ] || ! grep -q "needs root" "$tmp/err"; then
	bad "non-root -Z root: exit $rc, $(cat "$tmp/err")"
fi

# 7. setcap cap_net_raw,cap_net_admin+eip: nobody captures, then holds
# nothing.
if ! command -v setcap >/dev/null; then
	echo "privileges: setcap not installed (libcap2-bin): file capabilities not tested"
else
	# Two folders below the repository, as build/san/bergerie, so it
	# finds geo/data the same way.
	capdir=build/privs-test.$$
	mkdir -p "$capdir"
	trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp" "$capdir"' EXIT
	cp "$bin" "$capdir/bergerie-cap"
	chmod 755 "$capdir/bergerie-cap"
	if setcap cap_net_raw,cap_net_admin+eip "$capdir/bergerie-cap" 2>"$tmp/err" &&
	   setpriv --reuid=nobody --regid="$nogroup" --clear-groups \
		"$capdir/bergerie-cap" --version >/dev/null 2>&1; then
		port=$((port + 2))
		setpriv --reuid=nobody --regid="$nogroup" --clear-groups \
			"$capdir/bergerie-cap" -i lo --no-geoip --no-tui -q \
			--flows "$out/cap.json" "udp port $port" \
			2>"$tmp/err" </dev/null &
		pid=$!
		expect_status "$pid" "setcap" "$nobody_uid" "$none" "$none"
		send "$port" 2
		sleep 0.5
		kill -TERM "$pid"
		wait "$pid" || bad "setcap: exit $?: $(cat "$tmp/err")"
		pid=
		grep -q "\"port\":$port" "$out/cap.json" 2>/dev/null ||
			bad "setcap: the datagrams to $port were not seen: $(cat "$tmp/err")"
	else
		echo "privileges: file capabilities not usable here ($(head -n 1 "$tmp/err")): setcap case not tested"
	fi
fi

[ $fail -eq 0 ] && echo "privileges: nobody with no capabilities (CAP_NET_RAW alone with --retry), rotation, replay, -Z root, setcap"
exit $fail
