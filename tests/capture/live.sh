#!/usr/bin/env bash
# Live capture on the loopback interface: bergerie -i lo sees UDP datagrams
# a test client sends to 127.0.0.1 (traffic stays on this machine), keeps
# its clock moving on the idle link, and flushes its flows on SIGTERM.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
# Can this process capture at all? (CAP_NET_RAW; skipped where not allowed.)
timeout 1 "$bin" -i lo --no-geoip -q --flows /dev/null 'udp port 9' 2>"$tmp/probe" </dev/null
if grep -qiE "permission|not permitted" "$tmp/probe"; then
	echo "skipped: no permission to capture on lo ($(head -n 1 "$tmp/probe"))"
	exit 77
fi

port=$((20000 + RANDOM % 20000))
# shellcheck disable=SC2086
"$bin" -i lo $GEO_OPTS --observer-name live -q --flows "$tmp/flows.json" \
	--metrics "$tmp/metrics.json" "udp port $port" 2>"$tmp/err" &
pid=$!
sleep 1.5	# let the capture open
/usr/bin/python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b"bergerie live test %d" % i, ("127.0.0.1", port))
    time.sleep(0.05)
PY
sleep 2.5	# idle: the clock must still move (poll timeout), no busy loop
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; cat "$tmp/err"; fail=1; }
/usr/bin/python3 - "$tmp/flows.json" "$tmp/metrics.json" "$port" <<'PY' || fail=1
import json, sys
flows = [json.loads(l) for l in open(sys.argv[1])]
port = int(sys.argv[3])
mine = [f for f in flows if f["destination"].get("port") == port]
assert len(mine) == 1, f"expected one flow to port {port}, got {mine}"
f = mine[0]
assert f["source"]["packets"] == 5, f
assert f["network"]["transport"] == "udp", f
assert f["bergerie"]["input"] == "live", f
assert f["observer"]["ingress"]["interface"]["name"] == "lo", f
assert f["bergerie"]["flow"]["end_reason"] == "shutdown", f
assert f["network"]["direction"] == "internal" or f["bergerie"]["verdict"] == "local", f
m = [json.loads(l) for l in open(sys.argv[2])]
assert m and m[-1]["event"]["kind"] == "metric", m
st = m[-1]["bergerie"]["stats"]
assert st["packets_read"] >= 5 and "pcap_dropped" in st, st
print("live: one flow of 5 packets seen on lo, flushed on SIGTERM")
PY
exit $fail
