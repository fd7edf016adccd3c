#!/usr/bin/env bash
# Live capture end to end (issue 7), inside a network namespace this test
# creates: pcaps/tcp-basic.pcap has every address rewritten by tcprewrite
# to the namespace's own test hosts, tcpreplay sends it out of vb, and
# bergerie -i va must see every packet (the counts of the capture) and,
# with a policy whose sites place the test hosts abroad, raise the
# expected alerts. Then -i any (LINUX_SLL2) and -i va -i vb at once, which
# see each packet twice: leaving vb and entering va. Nothing is sent
# anywhere but into the veth pair.
#   10.1.0.20   -> 10.200.0.10  home (10/8)
#   51.91.10.10 -> 10.200.1.20  site in BR          adequate            low
#   88.198.1.1  -> 10.200.2.30  site in US           third_country       high
#   52.94.1.1   -> 10.200.3.40  DE site, US control  eu_foreign_control  medium
#   116.202.1.1 -> 10.200.0.50  home                 local               none
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
pid=
. tests/capture/netns-common.sh
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; netns_cleanup; rm -rf "$tmp"' EXIT
for t in tcprewrite tcpreplay; do
	if ! command -v "$t" >/dev/null; then
		echo "skipped: $t not installed (scripts/deps.sh test installs tcpreplay)"
		exit 77
	fi
done
netns_setup
py=/usr/bin/python3
pcap=pcaps/tcp-basic.pcap

map=10.1.0.20/32:10.200.0.10/32,51.91.10.10/32:10.200.1.20/32
map=$map,88.198.1.1/32:10.200.2.30/32,52.94.1.1/32:10.200.3.40/32
map=$map,116.202.1.1/32:10.200.0.50/32
va_mac=$(ip -n "$ns" -br link show va | awk '{ print $3 }')
vb_mac=$(ip -n "$ns" -br link show vb | awk '{ print $3 }')
if ! tcprewrite --infile="$pcap" --outfile="$tmp/ns.pcap" \
	--srcipmap="$map" --dstipmap="$map" \
	--enet-smac="$vb_mac" --enet-dmac="$va_mac" --fixcsum 2>"$tmp/rewrite.err"; then
	echo "FAIL: tcprewrite: $(cat "$tmp/rewrite.err")"
	exit 1
fi
# Every address must now be one of the namespace's test hosts.
if tcpdump -nr "$tmp/ns.pcap" 2>/dev/null | awk '{ print $3; print $5 }' |
	sed -E 's/\.[0-9]+:?$//' | grep -qv '^10\.200\.'; then
	echo "FAIL: tcprewrite left an address outside 10.200.0.0/16"
	exit 1
fi
want=$(tcpdump -nr "$tmp/ns.pcap" 2>/dev/null | wc -l)

cat >"$tmp/policy.json" <<'EOF'
{
  "description": "live-netns test: the namespace's test hosts placed abroad",
  "sites": [
    {"name": "sao-paulo-branch", "prefixes": "10.200.1.0/24", "country": "BR"},
    {"name": "us-hosting", "prefixes": "10.200.2.0/24", "country": "US",
     "operator": {"name": "Example US Hosting", "controller": "US"}},
    {"name": "frankfurt-us-cloud", "prefixes": "10.200.3.0/24", "country": "DE",
     "operator": {"name": "Example US Cloud Frankfurt", "controller": "US"}}
  ],
  "rules": [
    {"id": "netns.third_country", "name": "Data sent to a third country",
     "action": "flag", "severity": "high", "verdict": "third_country"},
    {"id": "netns.eu_foreign_control", "name": "EU-hosted, controlled from abroad",
     "action": "flag", "severity": "medium", "verdict": "eu_foreign_control"},
    {"id": "netns.adequate", "name": "Data sent to an adequate country",
     "action": "flag", "severity": "low", "verdict": "adequate"}
  ]
}
EOF

# shellcheck disable=SC2086
ip netns exec "$ns" "$bin" -i va --immediate -B 4096 $GEO_OPTS \
	--policy "$tmp/policy.json" --no-tui -q --observer-name netns \
	--flows "$tmp/flows.json" --alerts "$tmp/alerts.json" \
	--metrics "$tmp/metrics.json" 2>"$tmp/err" </dev/null &
pid=$!
sleep 1.5	# let the capture open
kill -0 "$pid" 2>/dev/null || { echo "FAIL: bergerie stopped: $(cat "$tmp/err")"; exit 1; }
if ! ip netns exec "$ns" tcpreplay -q -i vb --mbps=10 "$tmp/ns.pcap" \
	>"$tmp/replay.out" 2>&1; then
	echo "FAIL: tcpreplay: $(cat "$tmp/replay.out")"
	exit 1
fi
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc: $(cat "$tmp/err")"; fail=1; }
$py - "$tmp" "$want" <<'PY' || fail=1
import json, os, sys
d, want = sys.argv[1], int(sys.argv[2])
def lines(n):
    return [json.loads(l) for l in open(os.path.join(d, n))]
flows, alerts, metrics = lines("flows.json"), lines("alerts.json"), lines("metrics.json")
st = metrics[-1]["bergerie"]["stats"]
assert st["packets_read"] == want, f"bergerie read {st['packets_read']} packets, the capture has {want}"
assert st["pcap_dropped"] == 0 and st["pcap_received"] >= want, st
total = sum(f["network"]["packets"] for f in flows)
assert total == want, f"flows hold {total} packets, the capture has {want}"
for f in flows:
    assert f["bergerie"]["input"] == "live", f
    assert f["observer"]["ingress"]["interface"]["name"] == "va", f
    for end in ("source", "destination"):
        assert f[end]["ip"].startswith("10.200."), f[end]
verdicts = {f["destination"]["ip"]: f["bergerie"]["verdict"] for f in flows}
assert verdicts == {"10.200.1.20": "adequate", "10.200.2.30": "third_country",
                    "10.200.3.40": "eu_foreign_control", "10.200.0.50": "local"}, verdicts
got = sorted((a["destination"]["ip"], a["bergerie"]["verdict"], a["bergerie"]["severity"])
             for a in alerts if not a["bergerie"].get("alert", {}).get("folded_count"))
assert got == [("10.200.1.20", "adequate", "low"),
               ("10.200.2.30", "third_country", "high"),
               ("10.200.3.40", "eu_foreign_control", "medium")], got
print(f"live-netns: {want} packets replayed into {len(flows)} flows, all seen; alerts {got}")
PY

# Both ends of the pair: -i any, and two -i at once.
for ifs in "any" "va vb"; do
	args=()
	for i in $ifs; do args+=(-i "$i"); done
	rm -f "$tmp/flows.json" "$tmp/metrics.json"
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$bin" "${args[@]}" $GEO_OPTS --no-tui -q \
		--flows "$tmp/flows.json" --metrics "$tmp/metrics.json" \
		2>"$tmp/err" </dev/null &
	pid=$!
	sleep 1.5
	ip netns exec "$ns" tcpreplay -q -i vb --mbps=10 "$tmp/ns.pcap" >/dev/null 2>&1
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ $rc -eq 0 ] || { echo "FAIL: -i $ifs: exit $rc: $(cat "$tmp/err")"; fail=1; }
	$py - "$tmp" "$want" "$ifs" <<'PY' || fail=1
import json, os, sys
d, want, ifs = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
flows = [json.loads(l) for l in open(os.path.join(d, "flows.json"))]
st = [json.loads(l) for l in open(os.path.join(d, "metrics.json"))][-1]["bergerie"]["stats"]
assert st["packets_read"] == 2 * want, f"-i {ifs}: read {st['packets_read']}, expected {2 * want}"
assert sum(f["network"]["packets"] for f in flows) == 2 * want, flows
assert len(flows) == 4, f"-i {ifs}: {len(flows)} flows"
names = {f["observer"]["ingress"]["interface"]["name"] for f in flows}
assert names <= set(ifs), names
print(f"live-netns: -i {' -i '.join(ifs)}: every packet seen twice ({2 * want}), {len(flows)} flows")
PY
done
exit $fail
