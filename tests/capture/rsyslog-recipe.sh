#!/usr/bin/env bash
# The rsyslog recipe of docs/siem/rsyslog.md, for real: a sending rsyslogd
# runs docs/siem/rsyslog-forward.conf as documented (imfile tailing
# bergerie's alerts file, omfwd as RFC 5424 over TCP with octet counting),
# and a receiving rsyslogd runs docs/siem/rsyslog-receive.conf, both on
# loopback; only the paths, the port and the target host are replaced. The
# JSON objects the receiver writes must equal bergerie's alerts file, field
# by field and in order, and each record must have come as RFC 5424
# (version 1) from APP-NAME bergerie, facility local3, severity warning.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
py=/usr/bin/python3
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$rsyslogd" ]; then
	echo "rsyslog is not installed (scripts/deps.sh test)"; exit 77
fi
tmp=$(mktemp -d)
spid='' rpid=''
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	for p in $spid $rpid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/recv" "$tmp/send" "$tmp/siem"

# The receiver: the documented file, plus a header line per record.
{
	echo "global(workDirectory=\"$tmp/recv\")"
	printf '%s\n' 'template(name="hdr" type="string" string="%protocol-version% %pri% %syslogfacility-text% %syslogseverity-text% %app-name% %hostname%\n")'
	sed -e "s|port=\"514\"|port=\"$port\" address=\"127.0.0.1\"|" \
	    -e "s|/var/log/siem/|$tmp/siem/|" \
	    -e 's|^\(        action(type="omfile" file=".*bergerie-alerts.json"\)$|        action(type="omfile" file="'"$tmp"'/siem/headers" template="hdr")\n&|' \
	    docs/siem/rsyslog-receive.conf
} >"$tmp/receive.conf"
# The sender: the documented file as it is, but for where things are.
{
	echo "global(workDirectory=\"$tmp/send\")"
	sed -e "s|/var/log/bergerie/alerts.json|$tmp/alerts.json|" \
	    -e "s|target=\"siem.example.net\"|target=\"127.0.0.1\"|" \
	    -e "s|port=\"514\"|port=\"$port\"|" docs/siem/rsyslog-forward.conf
} >"$tmp/forward.conf"
for c in receive forward; do
	if ! out=$("$rsyslogd" -N1 -f "$tmp/$c.conf" 2>&1); then
		echo "rsyslogd -N1 refuses the $c configuration:"; echo "$out"; exit 1
	fi
done
grep -c "$tmp" "$tmp/forward.conf" >/dev/null || { echo "substitution failed"; exit 1; }

"$rsyslogd" -n -f "$tmp/receive.conf" -i "$tmp/recv.pid" >"$tmp/recv.log" 2>&1 &
rpid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	kill -0 "$rpid" 2>/dev/null || { echo "receiver did not start:"; cat "$tmp/recv.log"; exit 1; }
	sleep 0.1
done

# Alerts as the documented service writes them: appended JSON lines. Half
# before the sender starts, half after (imfile reads the file from its
# start, then follows it).
# shellcheck disable=SC2086
"$bin" -r pcaps/office.pcap $GEO_OPTS -q --observer-name rsyslogrecipe \
	--alert-window 120 --alerts "$tmp/all.alerts" || { echo "bergerie failed"; exit 1; }
want=$(wc -l <"$tmp/all.alerts")
[ "$want" -ge 10 ] || { echo "only $want alerts"; fail=1; }
head -n 5 "$tmp/all.alerts" >"$tmp/alerts.json"
"$rsyslogd" -n -f "$tmp/forward.conf" -i "$tmp/send.pid" >"$tmp/send.log" 2>&1 &
spid=$!
sleep 1
tail -n +6 "$tmp/all.alerts" >>"$tmp/alerts.json"
got=0
for _ in $(seq 150); do
	[ -f "$tmp/siem/bergerie-alerts.json" ] && got=$(wc -l <"$tmp/siem/bergerie-alerts.json")
	[ "$got" -ge "$want" ] && break
	sleep 0.1
done
echo "$got of $want alerts arrived"
if ! build/tools/jsoncmp "$tmp/all.alerts" "$tmp/siem/bergerie-alerts.json"; then
	echo "the SIEM received other records than bergerie wrote"; fail=1
	sed 's/^/send: /' "$tmp/send.log"; sed 's/^/recv: /' "$tmp/recv.log"
fi
if ! cmp -s "$tmp/all.alerts" "$tmp/siem/bergerie-alerts.json"; then
	echo "the received lines are not byte for byte bergerie's"; fail=1
fi
bad=$(awk '$1 != 1 || $2 != 156 || $3 != "local3" || $4 != "warning" || $5 != "bergerie"' "$tmp/siem/headers" | head -n 3)
if [ -n "$bad" ] || [ "$(wc -l <"$tmp/siem/headers")" -ne "$want" ]; then
	echo "headers (want: 1 156 local3 warning bergerie):"; echo "$bad"; fail=1
fi
exit $fail
