#!/usr/bin/env bash
# "Never loses an alert" (CONTRACT.md section 7) across log rotation and
# SIGTERM. bergerie reads office.pcap from a pipe (-r -) that the test
# feeds in two halves, waiting until the first half is read:
#   - rotation: mv the alerts file away and send SIGHUP between the halves;
#     the two files together must hold exactly the alerts of a plain run,
#     each once, in order, every line whole;
#   - SIGTERM after the first half: exit status 0, every line of every
#     output whole, the flows still open ended "shutdown", and every alert
#     a plain run raised before the split is there.
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck disable=SC2206
opts=(-r - $GEO_OPTS -q --observer-name signals --alert-window 120 --stats-interval 0)

# The reference: the whole capture through a pipe, no signal.
"$bin" "${opts[@]}" --alerts "$tmp/ref.alerts" <pcaps/office.pcap || fail=1

# feed.py PCAP ACTION ALERTS -- bergerie args: runs bergerie with the
# capture's first half on its standard input, waits until the pipe is
# drained, does ACTION (rotate | term), then feeds the rest (rotate) and
# prints "exit STATUS SPLIT_TIME".
cat >"$tmp/feed.py" <<'EOF'
import fcntl, os, signal, struct, subprocess, sys, termios, time
pcap, action, alerts = sys.argv[1:4]
cmd = sys.argv[5:]
data = open(pcap, "rb").read()
off, n, recs = 24, 0, []
while off < len(data):
    ts, us, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    recs.append((off, ts + us / 1e6))
    off += 16 + incl
half = recs[len(recs) // 2][0]
split_time = recs[len(recs) // 2 - 1][1]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE)
p.stdin.write(data[:half]); p.stdin.flush()
buf = bytearray(4)
for _ in range(200):
    fcntl.ioctl(p.stdin.fileno(), termios.FIONREAD, buf)
    if struct.unpack("i", buf)[0] == 0:
        break
    time.sleep(0.05)
time.sleep(1.0)	# what was read is processed in far less
if action == "rotate":
    os.rename(alerts, alerts + ".1")
    p.send_signal(signal.SIGHUP)
    time.sleep(0.2)
    p.stdin.write(data[half:])
    p.stdin.close()
else:
    p.send_signal(signal.SIGTERM)
    try:
        p.stdin.close()
    except BrokenPipeError:
        pass
print("exit %d %.6f" % (p.wait(), split_time))
EOF

# Rotation.
read -r _ st _ < <("$py" "$tmp/feed.py" pcaps/office.pcap rotate "$tmp/rot.alerts" -- \
	"$bin" "${opts[@]}" --alerts "$tmp/rot.alerts")
if [ "$st" != 0 ]; then echo "rotation run: exit $st"; fail=1; fi
if [ ! -s "$tmp/rot.alerts.1" ] || [ ! -s "$tmp/rot.alerts" ]; then
	echo "rotation: expected alerts in both files"; fail=1
fi
cat "$tmp/rot.alerts.1" "$tmp/rot.alerts" >"$tmp/rot.both"
if ! build/tools/jsoncmp "$tmp/ref.alerts" "$tmp/rot.both"; then
	echo "rotation: the two files do not hold the reference's alerts exactly once"
	fail=1
fi
echo "rotation: $(wc -l <"$tmp/rot.alerts.1") + $(wc -l <"$tmp/rot.alerts") alerts"

# SIGTERM.
read -r _ st split < <("$py" "$tmp/feed.py" pcaps/office.pcap term "$tmp/term.alerts" -- \
	"$bin" "${opts[@]}" --alerts "$tmp/term.alerts" --flows "$tmp/term.flows" \
	--metrics "$tmp/term.metrics")
if [ "$st" != 0 ]; then echo "SIGTERM run: exit $st (expected 0)"; fail=1; fi
"$py" - "$tmp/ref.alerts" "$tmp/term.alerts" "$tmp/term.flows" "$tmp/term.metrics" "$split" <<'EOF' || fail=1
import calendar, json, sys, time
ref, alerts, flows, metrics, split = sys.argv[1:6]
split = float(split)
bad = 0
def load(name):
    out = []
    for i, line in enumerate(open(name), 1):
        if not line.endswith("\n"):
            print("%s:%d: a cut line" % (name, i)); sys.exit(1)
        out.append(json.loads(line))
    return out
def secs(ts):
    return calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + ts[19:-1])
a, f, m = load(alerts), load(flows), load(metrics)
if not m or m[-1]["event"]["kind"] != "metric":
    print("no final statistics record"); bad = 1
reasons = [r["bergerie"]["flow"]["end_reason"] for r in f]
if "shutdown" not in reasons:
    print("no flow ended shutdown: %s" % sorted(set(reasons))); bad = 1
if "end_of_input" in reasons:
    print("a flow ended end_of_input after SIGTERM"); bad = 1
got = set(r["network"]["community_id"] for r in a)
want = [r for r in load(ref) if "alert" not in r["bergerie"] and secs(r["@timestamp"]) <= split]
missing = [r["network"]["community_id"] for r in want if r["network"]["community_id"] not in got]
if not want or missing:
    print("alerts raised before the split: %d, missing after SIGTERM: %s" % (len(want), missing)); bad = 1
print("SIGTERM: %d alerts, %d flows (%d shutdown), %d raised before the split all there" % (
    len(a), len(f), reasons.count("shutdown"), len(want)))
sys.exit(bad)
EOF
exit $fail
