#!/usr/bin/env bash
# --report figures against office.pcap's recipe (pcaps/README.md table,
# tests/tools/pcapgen_office.h), not against bergerie's own output, and
# --fail-on exit statuses (CONTRACT.md sections 4 and 7).
#
# tests/fixtures/policies/office-report.json pins four destinations with
# sites; under --no-geoip every other public address is unknown. Numbers are
# client->server ("C->S") IP bytes from the README table:
#   third_country: S3 upload 52.217.100.20 308520 + Salesforce 13.110.54.10
#                  6760 = 315280 (2 flows, both flagged by report.third_country)
#   adequate:      kDrive 83.166.143.50 51680 (1 flow, allowed by report.allow_ch)
#   eu:            backup 51.91.100.10 411280 (1 flow)
#   leaving the EU = 315280 + 51680 = 366960
#   unknown:       the 22 other TLS/HTTP flows' C->S (3160 31200 1880 5680 474
#                  4600 1820 2520 9040 9840 3720 1820 12720 2720 3480 3320 2940
#                  2560 2640 2980 1860 5160 = 116000) + NTP 76 + 76 + DNS to
#                  8.8.8.8 58 + the inbound scan's answer (home end sends) 40
#                  + the two QUIC flows' C->S 3952 + 3007 = 123343 (28 flows,
#                  all flagged by report.unknown)
#   local:         28 DNS flows to the resolver, both ways (61+77 ... = 4332,
#                  + the QUIC ones' 61+114 + 64+80 = 319) + SMB 21560 + 62040
#                  = 88251 (29 flows)
#   US bytes_in:   8320 + 25880 = 34200
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pol=tests/fixtures/policies/office-report.json
run() {	# expected-status args...
	local want=$1 st
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" != "$want" ]; then
		echo "exit $st, expected $want: $*"; sed 's/^/  /' "$tmp/err" | head -5; fail=1
	fi
}

run 0 -r pcaps/office.pcap --no-geoip --policy "$pol" --observer-name report \
	--report "$tmp/report.json"
# The summary goes to standard output and must agree with the report.
if ! grep -q '^Leaving the EU: 367.0 kB' "$tmp/out"; then
	echo "summary:"; cat "$tmp/out"; fail=1
fi
"$py" - "$tmp/report.json" <<'EOF' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
def check(what, got, want):
    if got != want:
        bad.append("%s: %r, expected %r" % (what, got, want))
v = r["verdicts"]
check("verdict order", list(v), ["local", "eu", "eu_foreign_control", "adequate",
                                 "third_country", "unknown"])
for name, flows, flagged, out in (("local", 29, 0, 88251), ("eu", 1, 0, 411280),
                                  ("eu_foreign_control", 0, 0, 0),
                                  ("adequate", 1, 0, 51680),
                                  ("third_country", 2, 2, 315280),
                                  ("unknown", 28, 28, 123343)):
    check(name + " flows", v[name]["flows"], flows)
    check(name + " flagged_flows", v[name]["flagged_flows"], flagged)
    check(name + " bytes_out", v[name]["bytes_out"], out)
o = r["outbound"]
check("leaving_eu", o["leaving_eu"]["bytes_out"], 366960)
check("leaving_eu verdicts", o["leaving_eu"]["verdicts"], ["adequate", "third_country"])
check("eu_foreign_control beside it", o["eu_foreign_control"]["bytes_out"], 0)
check("unknown beside it", o["unknown"]["bytes_out"], 123343)
check("total out", o["bytes_out"], 88251 + 411280 + 51680 + 315280 + 123343)
check("packets", r["capture"]["packets"], 2052)
check("start", r["capture"]["start"][:19], "2026-03-02T09:00:01")
check("end", r["capture"]["end"][:19], "2026-03-02T09:01:50")
check("flows", r["flows"]["total"], 61)
countries = {c.get("country", "(unknown)"): c for c in r["countries"]}
check("US", (countries["US"]["flows"], countries["US"]["bytes_out"],
             countries["US"]["bytes_in"], countries["US"]["verdict"]),
      (2, 315280, 34200, "third_country"))
check("CH", (countries["CH"]["bytes_out"], countries["CH"]["verdict"]), (51680, "adequate"))
check("FR", (countries["FR"]["bytes_out"], countries["FR"]["verdict"]), (411280, "eu"))
check("senders", [(s["ip"], s["bytes_out"]) for s in r["senders"]],
      [("10.1.0.25", 308520), ("10.1.0.21", 51680), ("10.1.0.26", 6760)])
check("services", [(s["ip"], s.get("country"), s["bytes_out"]) for s in r["services"]],
      [("52.217.100.20", "US", 308520), ("83.166.143.50", "CH", 51680),
       ("13.110.54.10", "US", 6760)])
ops = {p["operator"]: p for p in r["operators"]}
check("operator Infomaniak", (ops["Infomaniak"]["jurisdiction"], ops["Infomaniak"]["bytes_out"]),
      ("CH", 51680))
check("counters", (r["counters"]["flows_flagged"], r["counters"]["packets_read"]), (30, 2052))
check("policy hash", len(r["policy"]["hash"]), 12)
check("policy path", r["policy"]["path"], "tests/fixtures/policies/office-report.json")
for b in bad:
    print("report: " + b)
sys.exit(1 if bad else 0)
EOF

# Tunnels: each packet counts once, under the winning verdict of its inner
# and outer flows. tunnels.pcap's packets: 5+3 GRE, 2+2 VXLAN, 5+3 6in4,
# 1+1 Geneve, 1+1 GTP-U = 24 packets; outer IP bytes 440+404 + 356+756 +
# 500+440 + 142+206 + 96+112 = 3452, whatever the verdicts.
run 0 -r pcaps/tunnels.pcap --no-geoip --report "$tmp/tunnels.json" -q
"$py" - "$tmp/tunnels.json" <<'EOF' || fail=1
import json, sys
v = json.load(open(sys.argv[1]))["verdicts"]
p = sum(x["packets"] for x in v.values())
b = sum(x["bytes"] for x in v.values())
if (p, b) != (24, 3452):
    print("tunnels: %d packets, %d bytes in per-verdict totals; expected 24, 3452" % (p, b))
    sys.exit(1)
EOF

# --report - carries the report on standard output, the summary on stderr.
run 0 -r pcaps/office.pcap --no-geoip --policy "$pol" --report -
"$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" || { echo "--report -: not JSON"; fail=1; }
grep -q '^Leaving the EU' "$tmp/err" || { echo "--report -: no summary on stderr"; fail=1; }
run 2 -r pcaps/office.pcap --no-geoip --report - --flows -

# --fail-on: only flows the policy flagged count (an allowed verdict never
# fails the run).
run 1 -r pcaps/office.pcap --no-geoip --policy "$pol" -q --fail-on third_country
run 0 -r pcaps/office.pcap --no-geoip --policy "$pol" -q --fail-on adequate
run 0 -r pcaps/office.pcap --no-geoip --policy "$pol" -q --fail-on eu,local
run 1 -r pcaps/office.pcap --no-geoip --policy "$pol" -q --fail-on eu,unknown
run 2 -r pcaps/office.pcap --no-geoip -q --fail-on nowhere
# 3 (capture error) wins over 1: a capture cut in the middle of a record.
head -c 100000 pcaps/office.pcap >"$tmp/cut.pcap"
run 3 -r "$tmp/cut.pcap" --no-geoip --policy "$pol" -q --fail-on unknown
# 1 wins over a signal's 0: SIGTERM after flagged flows.
{ head -c 200000 pcaps/office.pcap; sleep 3; } |
	"$bin" -r - --no-geoip --policy "$pol" -q --fail-on unknown &
bpid=$!
sleep 1.5
kill -TERM $bpid
wait $bpid
st=$?
if [ "$st" != 1 ]; then echo "SIGTERM with --fail-on matched: exit $st, expected 1"; fail=1; fi
exit $fail
