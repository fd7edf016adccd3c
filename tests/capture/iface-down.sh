#!/usr/bin/env bash
# An interface that goes down or away (issue 7), on a veth pair inside a
# network namespace this test creates (frames go from vb to va, nowhere
# else):
#   without --retry, ip link set down and ip link del each stop the run
#   with one line on stderr and exit 3, the flows flushed;
#   with --retry the run goes on without spinning, keeps its flows, says
#   so on stderr, reopens the interface when it is back (up again, or
#   created again) and counts capture_retries; meanwhile a statistics
#   record comes every --stats-interval on the wall clock.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
pid=
. tests/capture/netns-common.sh
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; netns_cleanup; rm -rf "$tmp"' EXIT
netns_setup
py=/usr/bin/python3
fail=0
bad() { echo "FAIL: $*"; fail=1; }

start() {	# name, options...
	local name=$1
	shift
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$bin" -i va $GEO_OPTS --no-tui -q \
		--observer-name down --flows "$tmp/$name.flows" \
		--metrics "$tmp/$name.metrics" "$@" 'udp port 5000' \
		2>"$tmp/$name.err" </dev/null &
	pid=$!
	sleep 1.5	# let the capture open
}

wait_exit() {	# seconds: the exit status, or 124 if still running
	local _
	for _ in $(seq $(($1 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		pid=
		return 124
	fi
	wait "$pid"
	local rc=$?
	pid=
	return $rc
}

check_flow() {	# name packets: one flow to port 5000 with that many packets
	$py - "$tmp/$1.flows" "$2" "$tmp/$1.metrics" <<'PY'
import json, sys
flows = [json.loads(l) for l in open(sys.argv[1])]
mine = [f for f in flows if f["destination"].get("port") == 5000]
assert len(mine) == 1, f"expected one flow to port 5000, got {len(mine)}: {mine}"
f = mine[0]
assert f["source"]["packets"] == int(sys.argv[2]), f["source"]
assert f["bergerie"]["flow"]["end_reason"] == "shutdown", f["bergerie"]["flow"]
assert f["observer"]["ingress"]["interface"]["name"] == "va", f["observer"]
m = [json.loads(l) for l in open(sys.argv[3])]
assert m and m[-1]["event"]["kind"] == "metric", "no final statistics record"
PY
}

# 1 and 2: no --retry: down, then away.
for how in down del; do
	start "$how"
	netns_send 5000 3
	sleep 0.5
	if [ "$how" = down ]; then
		ip -n "$ns" link set va down
	else
		ip -n "$ns" link del va
	fi
	wait_exit 5
	rc=$?
	[ $rc -eq 3 ] || bad "link $how without --retry: exit $rc, expected 3"
	if [ "$(wc -l <"$tmp/$how.err")" -ne 1 ] ||
	   ! grep -q "^bergerie: va: capture stopped: .*--retry" "$tmp/$how.err"; then
		bad "link $how: expected one line naming va, got: $(cat "$tmp/$how.err")"
	fi
	check_flow "$how" 3 || bad "link $how: flows not flushed"
	[ "$how" = down ] && ip -n "$ns" link set va up
done
netns_veth || bad "cannot create the veth pair again"

# 3 and 4: --retry: down then up, then away and back.
for how in down del; do
	start "retry-$how" --retry --retry-max 2 --stats-interval 1
	netns_send 5000 3
	sleep 0.5
	if [ "$how" = down ]; then
		ip -n "$ns" link set va down
	else
		ip -n "$ns" link del va
	fi
	sleep 1
	t0=$(cpu_ticks "$pid")
	sleep 3
	t1=$(cpu_ticks "$pid")
	kill -0 "$pid" 2>/dev/null || bad "--retry, link $how: bergerie stopped"
	# Live, the files are flushed on quiet ticks: the records written
	# every --stats-interval are there while the run goes on.
	n=$(wc -l <"$tmp/retry-$how.metrics")
	[ "$n" -ge 3 ] || bad "--retry, link $how: $n statistics records in the file after 5 s with --stats-interval 1"
	# A busy loop would burn ~300 ticks in 3 s; retries every 2 s a few.
	[ $((t1 - t0)) -lt 60 ] || bad "--retry, link $how: $((t1 - t0)) ticks of CPU in 3 s while the interface was gone"
	grep -q "^bergerie: va: capture lost: " "$tmp/retry-$how.err" ||
		bad "--retry, link $how: no 'capture lost' line: $(cat "$tmp/retry-$how.err")"
	if [ "$how" = down ]; then
		ip -n "$ns" link set va up
	else
		netns_veth || bad "cannot create the veth pair again"
	fi
	sleep 3	# the next attempt comes within --retry-max
	grep -q "^bergerie: va: capture resumed" "$tmp/retry-$how.err" ||
		bad "--retry, link $how: no 'capture resumed' line: $(cat "$tmp/retry-$how.err")"
	netns_send 5000 2
	sleep 0.5
	kill -TERM "$pid"
	wait_exit 10
	rc=$?
	[ $rc -eq 0 ] || bad "--retry, link $how: exit $rc: $(cat "$tmp/retry-$how.err")"
	check_flow "retry-$how" 5 || bad "--retry, link $how: the flow was not kept across the loss"
	$py - "$tmp/retry-$how.metrics" <<'PY' || bad "--retry, link $how: statistics"
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])]
st = m[-1]["bergerie"]["stats"]
assert st["capture_retries"] >= 1, st
assert st["pcap_received"] >= 5, st
# Wall-clock driven while idle: about one a second over ~9 s.
assert len(m) >= 5, f"only {len(m)} statistics records with --stats-interval 1"
print(f"iface-down: {len(m)} statistics records, capture_retries {st['capture_retries']}, pcap_received {st['pcap_received']}")
PY
done

[ $fail -eq 0 ] && echo "iface-down: down and del stop with exit 3; --retry keeps the flow and resumes"
exit $fail
