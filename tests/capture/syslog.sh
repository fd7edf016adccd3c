#!/usr/bin/env bash
# Alerts to a real rsyslog (issue 4): rsyslogd runs on loopback with imudp
# and imtcp on free high ports and writes each input's raw messages (%msg%)
# to its own file; bergerie replays a capture with known alerts with
# --syslog udp://... and then tcp://... (octet counting) beside --alerts
# FILE. The JSON objects rsyslog received must equal the file's, field by
# field and in order, and each RFC 5424 header must carry PRI (facility
# local3 and the alert's severity), HOSTNAME, APP-NAME bergerie, a numeric
# PROCID, MSGID alert and the record's own time.
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$rsyslogd" ]; then
	echo "rsyslog is not installed (scripts/deps.sh test)"; exit 77
fi
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

# Two free ports (one UDP, one TCP), chosen by the kernel.
read -r uport tport < <("$py" - <<'EOF'
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
print(u.getsockname()[1], t.getsockname()[1])
EOF
)
cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp" maxMessageSize="128k")
module(load="imudp")
module(load="imtcp" maxFrameSize="200000")
input(type="imudp" address="127.0.0.1" port="$uport")
input(type="imtcp" address="127.0.0.1" port="$tport")
template(name="raw" type="string" string="%msg%\n")
template(name="hdr" type="string" string="%pri% %timereported:::date-rfc3339% %hostname% %app-name% %procid% %msgid%\n")
if \$inputname == "imudp" then {
	action(type="omfile" file="$tmp/udp.msg" template="raw")
	action(type="omfile" file="$tmp/udp.hdr" template="hdr")
}
if \$inputname == "imtcp" then {
	action(type="omfile" file="$tmp/tcp.msg" template="raw")
	action(type="omfile" file="$tmp/tcp.hdr" template="hdr")
}
EOF
"$rsyslogd" -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslog.pid" >"$tmp/rsyslog.log" 2>&1 &
pid=$!
# Ready when the TCP input accepts a connection (both inputs start together).
for _ in $(seq 50); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$tport") 2>/dev/null; then break; fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "rsyslogd did not start:"; cat "$tmp/rsyslog.log"; exit 1
	fi
	sleep 0.1
done

# office.pcap with the fixture databases alerts on low, medium and high
# rules; a 120 s window folds the second NTP flow (a closing record).
for proto in udp tcp; do
	port=$uport
	[ $proto = tcp ] && port=$tport
	# shellcheck disable=SC2086
	if ! "$bin" -r pcaps/office.pcap $GEO_OPTS -q --observer-name syslogtest \
		--alert-window 120 --alerts "$tmp/$proto.alerts" \
		--syslog "$proto://127.0.0.1:$port" --syslog-facility local3 \
		--metrics "$tmp/$proto.metrics" --stats-interval 0; then
		echo "$proto: bergerie failed"; fail=1; continue
	fi
	want=$(wc -l <"$tmp/$proto.alerts")
	if [ "$want" -lt 10 ]; then
		echo "$proto: only $want alerts: the capture should give more"; fail=1
	fi
	for _ in $(seq 100); do
		[ -f "$tmp/$proto.msg" ] && [ "$(wc -l <"$tmp/$proto.msg")" -ge "$want" ] && break
		sleep 0.1
	done
	if ! build/tools/jsoncmp "$tmp/$proto.alerts" "$tmp/$proto.msg"; then
		echo "$proto: rsyslog received other records than --alerts holds"; fail=1
	fi
	"$py" - "$tmp/$proto.alerts" "$tmp/$proto.hdr" "$tmp/$proto.metrics" "$want" <<'EOF' || fail=1
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
hdrs = [l.split() for l in open(sys.argv[2])]
stats = json.loads(open(sys.argv[3]).readlines()[-1])["bergerie"]["stats"]
want = int(sys.argv[4])
sev = {"critical": 2, "high": 3, "medium": 4, "low": 5}
bad = 0
if len(hdrs) != len(alerts):
    print("%d headers for %d alerts" % (len(hdrs), len(alerts))); bad = 1
for a, h in zip(alerts, hdrs):
    pri, ts, host, app, procid, msgid = h
    exp = 19 * 8 + sev[a["bergerie"]["severity"]]
    if int(pri) != exp:
        print("PRI %s, expected %d" % (pri, exp)); bad = 1
    # rsyslog writes the time with its own precision and offset.
    if not ts.startswith(a["@timestamp"][:19]):
        print("TIMESTAMP %s for %s" % (ts, a["@timestamp"])); bad = 1
    if host != a["observer"]["hostname"] or app != "bergerie" \
            or not procid.isdigit() or msgid != "alert":
        print("header %s" % " ".join(h)); bad = 1
if stats["syslog_sent"] != want or stats["syslog_lost"] or stats["syslog_too_long"]:
    print("counters: sent %d lost %d too_long %d, expected %d sent" % (
        stats["syslog_sent"], stats["syslog_lost"], stats["syslog_too_long"], want))
    bad = 1
if not any("alert" in a["bergerie"] for a in alerts):
    print("no closing record among the alerts"); bad = 1
sys.exit(bad)
EOF
	echo "$proto: $want alerts compared"
done

# A receiver that is away: TCP counts what it could not deliver, never
# blocks the replay for long, and still writes the file.
kill "$pid"; wait "$pid" 2>/dev/null; pid=
start=$(date +%s)
# shellcheck disable=SC2086
"$bin" -r pcaps/office.pcap $GEO_OPTS -q --alerts "$tmp/away.alerts" \
	--syslog "tcp://127.0.0.1:$tport" --metrics "$tmp/away.metrics" \
	--stats-interval 0 || fail=1
end=$(date +%s)
if [ $((end - start)) -gt 15 ]; then
	echo "a missing TCP receiver held the replay $((end - start)) s"; fail=1
fi
"$py" - "$tmp/away.alerts" "$tmp/away.metrics" <<'EOF' || fail=1
import json, sys
n = sum(1 for _ in open(sys.argv[1]))
s = json.loads(open(sys.argv[2]).readlines()[-1])["bergerie"]["stats"]
if n == 0 or s["syslog_sent"] != 0 or s["syslog_lost"] != n:
    print("receiver away: %d alerts, sent %d, lost %d" % (n, s["syslog_sent"], s["syslog_lost"]))
    sys.exit(1)
EOF
exit $fail
