#!/usr/bin/env bash
# Bounded memory under a flood (issue 7): benchgen --syn-flood writes
# 300,000 packets, each a new flow from a random public source (SYNs to
# home servers, DNS answers naming fresh addresses, first halves of
# ClientHellos, IPv4 first fragments), 1 us apart, so no timeout ever
# frees anything and every table reaches its cap within the first tenth of
# the file. The RELEASE build (./bergerie, built here) replays it at full
# speed with small caps, a policy flagging every non-local flow and
# --alerts /dev/null (the alert windows fill too), fixture GeoIP databases
# (tests/capture/common.sh), --flows /dev/null, --metrics FILE.
#
# Peak RSS (/usr/bin/time -f %M, else Python's getrusage) must stay under
#   baseline + sum of the caps + writer queue + margin
# where
#   baseline      the same command on an empty capture (binary, libraries,
#                 mapped databases, policy, every table the options size
#                 at start that an empty run touches);
#   caps          --flow-memcap + --names-memcap + --dns-cache-memcap +
#                 --geo-cache-memcap + --frag-memcap + --alert-window-memcap;
#   writer queue  the output thread's queue, 4,096 jobs of 2,304 bytes
#                 (9 MiB; read from monitor/main.c and writer.h), a fixed
#                 size that no option sets and an empty run never touches;
#   margin        MARGIN_KIB (default 6 MiB): allocator slack (the writer
#                 thread's malloc arena, jansson's transient objects, stdio
#                 buffers). Anything else that grows with the flood beyond
#                 its cap, or a table with no cap at all, shows here.
# Then the same flood with every cap doubled: RSS may grow by at most the
# caps' difference plus the margin. A third replay with the small caps and
# a policy without rules (no alert windows) is held to the same bound, so
# a failure says whether the alert windows are to blame.
#
# The final statistics record must count what the caps cost: every
# *_memcap_* counter and alert_window_memcap_evictions above zero
# (geo_cache_memcap_evictions too when the record has it), and the books
# balance: packets_read and dns_responses as generated, one flow per
# packet, one record per flow (records_written = flows_created =
# flows_ended), flows left at the end (created - evicted) twice as many
# with the doubled cap (within 20%), at most 2 DNS cache entries evicted
# per answer, open alert windows (flagged - folded - suppressed - evicted)
# not negative (the windows are bounded in bytes by --alert-window-memcap).
# Takes about 10-20 s (the flood replays three times). Environment: MAKE,
# FLOOD_PACKETS (300000), MARGIN_KIB (6144), FLOOD_BERGERIE (./bergerie).
set -u
cd "$(dirname "$0")/../.." || exit 1
MAKE=${MAKE:-make}
export BERGERIE=${FLOOD_BERGERIE:-./bergerie}
# shellcheck disable=SC1091
. tests/capture/common.sh
# shellcheck disable=SC2154
berg=$bin
py=/usr/bin/python3
packets=${FLOOD_PACKETS:-300000}
margin=${MARGIN_KIB:-6144}
# The writer queue in KiB: slots (main.c's writer_new call) x job size
# (writer.h), 4096 x 2304 bytes = 9 MiB when written.
slots=$(sed -n 's/.*writer_new(\([0-9][0-9]*\),.*/\1/p' monitor/main.c | head -n 1)
job=$(sed -n 's/.*WRITER_JOB_DATA = \([0-9][0-9]*\).*/\1/p' monitor/writer.h | head -n 1)
writer_q=$(( (${slots:-4096} * ${job:-2304} + 1023) / 1024 ))

if [ "$BERGERIE" = ./bergerie ] &&
	! $MAKE -s bergerie build/tools/benchgen >/dev/null; then
	echo "FAIL: ./bergerie or benchgen does not build"
	exit 1
fi
if [ ! -x build/tools/benchgen ] && ! $MAKE -s build/tools/benchgen >/dev/null; then
	echo "FAIL: benchgen does not build"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

build/tools/benchgen "$tmp/flood.pcap" --syn-flood --packets "$packets" \
	>"$tmp/flood.info" || { echo "FAIL: benchgen --syn-flood"; exit 1; }
build/tools/benchgen "$tmp/empty.pcap" --syn-flood --packets 0 >/dev/null ||
	{ echo "FAIL: benchgen --syn-flood --packets 0"; exit 1; }
echo "flood: $(cat "$tmp/flood.info")"
cat >"$tmp/policy.json" <<'EOF'
{"rules": [{"id": "flood.all", "name": "Everything not local", "action": "flag",
  "severity": "low",
  "verdict": ["eu", "eu_foreign_control", "adequate", "third_country", "unknown"]}]}
EOF
echo '{"rules": []}' >"$tmp/none.json"

# maxrss KIB_FILE CMD...: runs CMD, writes its peak RSS in KiB to KIB_FILE.
maxrss() {
	local out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$out" "$@"
	else
		"$py" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$out" "$@"
	fi
}

kib() {	# kib SIZE: 8M -> 8192, 256K -> 256
	case $1 in
	*G) echo $((${1%G} * 1048576)) ;;
	*M) echo $((${1%M} * 1024)) ;;
	*K) echo "${1%K}" ;;
	*) echo $(($1 / 1024)) ;;
	esac
}

# run TAG PCAP POLICY FLOW NAMES DNS GEO FRAG ALERTWIN: one replay; TAG.rss,
# TAG.metrics, TAG.caps (KiB), TAG.secs.
run() {
	local tag=$1 pcap=$2 policy=$3
	shift 3
	# shellcheck disable=SC2206
	local args=(-r "$pcap" $GEO_OPTS -q --observer-name flood
		--stats-interval 0 --flows /dev/null --metrics "$tmp/$tag.metrics"
		--policy "$tmp/$policy.json" --alerts /dev/null
		--flow-memcap "$1" --names-memcap "$2" --dns-cache-memcap "$3"
		--geo-cache-memcap "$4" --frag-memcap "$5"
		--alert-window-memcap "$6")
	local t0 t1
	t0=$(date +%s.%N)
	if ! maxrss "$tmp/$tag.rss" "$berg" "${args[@]}" 2>"$tmp/$tag.err"; then
		echo "FAIL $tag: bergerie exited non-zero"
		sed 's/^/    /' "$tmp/$tag.err" | tail -n 20
		fail=1
		return 1
	fi
	t1=$(date +%s.%N)
	caps=$(($(kib "$1") + $(kib "$2") + $(kib "$3") + $(kib "$4") + $(kib "$5") +
		$(kib "$6")))
	echo "$caps" >"$tmp/$tag.caps"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$tmp/$tag.secs"
}

small=(8M 1M 1M 1M 256K 1M)
large=(16M 2M 2M 2M 512K 2M)
run base "$tmp/empty.pcap" policy "${small[@]}" || exit 1
run small "$tmp/flood.pcap" policy "${small[@]}" || exit 1
run large "$tmp/flood.pcap" policy "${large[@]}" || exit 1
# The small caps again without alerts (a policy without rules): tells a
# table growing with the flood from the alert windows.
run quiet "$tmp/flood.pcap" none "${small[@]}" || exit 1

base=$(tail -n 1 "$tmp/base.rss")
for tag in small large quiet; do
	rss=$(tail -n 1 "$tmp/$tag.rss")
	caps=$(cat "$tmp/$tag.caps")
	bound=$((base + caps + writer_q + margin))
	printf '%-5s peak RSS %6d KiB, bound %6d KiB = baseline %d + caps %d + writer queue %d + margin %d (%s s)\n' \
		"$tag" "$rss" "$bound" "$base" "$caps" "$writer_q" "$margin" \
		"$(cat "$tmp/$tag.secs")"
	if [ "$rss" -gt "$bound" ]; then
		echo "FAIL $tag: peak RSS $rss KiB over the bound $bound KiB by $((rss - bound)) KiB"
		[ "$tag" = quiet ] || over_alerts=1
		fail=1
	fi
done
if [ -n "${over_alerts:-}" ] && [ "$(tail -n 1 "$tmp/quiet.rss")" -le \
	$((base + $(cat "$tmp/quiet.caps") + writer_q + margin)) ]; then
	echo "  (the same flood without alerts stays under the bound: look at the"
	echo "  alert path: dedup windows, monitor/alerts.c --alert-window-memcap)"
fi
grow=$(($(tail -n 1 "$tmp/large.rss") - $(tail -n 1 "$tmp/small.rss")))
capdiff=$(($(cat "$tmp/large.caps") - $(cat "$tmp/small.caps")))
echo "caps doubled: RSS grew $grow KiB, caps grew $capdiff KiB (allowed: $((capdiff + margin)) KiB)"
if [ "$grow" -gt $((capdiff + margin)) ]; then
	echo "FAIL: RSS grew more than the caps plus the margin"
	fail=1
fi

"$py" - "$tmp/flood.info" "$tmp/small.metrics" "$tmp/large.metrics" <<'EOF_PY' || fail=1
import json, sys
w = open(sys.argv[1]).read().split()
gen = {w[i]: int(w[i + 1]) for i in range(0, len(w), 2)}
bad = 0
held = {}
for tag, path in (("small", sys.argv[2]), ("large", sys.argv[3])):
    s = json.loads(open(path).read().splitlines()[-1])["bergerie"]["stats"]
    def need(ok, what):
        global bad
        if not ok:
            print("FAIL %s: %s" % (tag, what)); bad = 1
    counters = ["flow_memcap_evictions", "frag_memcap_evictions",
                "dns_cache_memcap_evictions", "names_memcap_drops",
                "alert_window_memcap_evictions"]
    if "geo_cache_memcap_evictions" in s:
        counters.append("geo_cache_memcap_evictions")
    elif tag == "small":
        print("note: the statistics record has no geo_cache_memcap_evictions")
    print("%-5s %s" % (tag, ", ".join("%s %d" % (k, s[k]) for k in counters)))
    for k in counters:
        need(s[k] > 0, "%s is 0: the cap was never reached or not counted" % k)
    need(s["packets_read"] == gen["packets"],
         "packets_read %d, generated %d" % (s["packets_read"], gen["packets"]))
    need(s["flows_created"] == gen["flows"],
         "flows_created %d, generated %d" % (s["flows_created"], gen["flows"]))
    need(s["flows_ended"] == s["flows_created"] and s["flows_active"] == 0,
         "flows_ended %d, flows_active %d, flows_created %d"
         % (s["flows_ended"], s["flows_active"], s["flows_created"]))
    need(s["records_written"] + s["records_dropped"] == s["flows_ended"] + s["flows_interim"]
         and s["records_dropped"] == 0,
         "records_written %d + dropped %d != flows_ended %d + interim %d"
         % (s["records_written"], s["records_dropped"], s["flows_ended"], s["flows_interim"]))
    need(s["flow_memcap_evictions"] < s["flows_created"],
         "every flow evicted (%d)" % s["flow_memcap_evictions"])
    held[tag] = s["flows_created"] - s["flow_memcap_evictions"]
    need(s["dns_responses"] == gen["dns"],
         "dns_responses %d, generated %d" % (s["dns_responses"], gen["dns"]))
    need(s["dns_cache_memcap_evictions"] <= 2 * s["dns_answers"],
         "dns_cache_memcap_evictions %d > 2 x dns_answers %d"
         % (s["dns_cache_memcap_evictions"], s["dns_answers"]))
    need(s["names_memcap_drops"] <= s["flows_created"],
         "names_memcap_drops %d > flows_created" % s["names_memcap_drops"])
    need(s["frag_memcap_evictions"] < gen["frag"],
         "frag_memcap_evictions %d, first fragments %d"
         % (s["frag_memcap_evictions"], gen["frag"]))
    open_w = (s["flows_flagged"] - s["alerts_folded"] - s["alerts_suppressed"]
              - s["alert_window_memcap_evictions"])
    need(0 <= open_w,
         "open alert windows at the end %d (flagged %d - folded %d - suppressed %d - evicted %d)"
         % (open_w, s["flows_flagged"], s["alerts_folded"], s["alerts_suppressed"],
            s["alert_window_memcap_evictions"]))
ratio = held["large"] / held["small"] if held["small"] else 0
print("flows held at the end (created - evicted): %d with the small cap, %d doubled (x%.2f)"
      % (held["small"], held["large"], ratio))
if not 1.6 <= ratio <= 2.4:
    print("FAIL: doubling --flow-memcap did not double the flows it holds"); bad = 1
sys.exit(bad)
EOF_PY
exit $fail
