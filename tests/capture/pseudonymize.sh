#!/usr/bin/env bash
# --pseudonymize KEYFILE (CONTRACT.md section 7) on office.pcap: no home
# address (10.1.0.0/16, fd00:10::/48) anywhere in flows, alerts, the report
# or the summary; remote addresses as without the option; Community IDs
# those of the pseudonymised tuples (recomputed here with a small Python
# Community ID); the same output from run to run; prefixes preserved; key
# file errors and --evidence with it are usage errors (exit 2).
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# The Crypto-PAn reference distribution's sample key.
"$py" -c 'import sys; sys.stdout.buffer.write(bytes([21,34,23,141,51,164,207,128,19,10,91,22,73,144,125,16,216,152,143,131,121,121,101,39,98,87,76,45,42,132,34,2]))' >"$tmp/key"
# shellcheck disable=SC2206
opts=(-r pcaps/office.pcap $GEO_OPTS --observer-name pseudo --stats-interval 0)

run() {	# tag, extra args...
	local tag=$1
	shift
	"$bin" "${opts[@]}" --flows "$tmp/$tag.flows" --alerts "$tmp/$tag.alerts" \
		--report "$tmp/$tag.report" "$@" >"$tmp/$tag.summary" 2>"$tmp/$tag.err" ||
		{ echo "$tag: exit $?"; cat "$tmp/$tag.err"; fail=1; }
}
run plain
run p1 --pseudonymize "$tmp/key"
run p2 --pseudonymize "$tmp/key"

for f in flows alerts report summary; do
	if grep -nE '(^|[^0-9.])10\.1\.[0-9]+\.[0-9]+|fd00:10:' "$tmp/p1.$f" | head -3 | grep .; then
		echo "a home address in the pseudonymised $f"; fail=1
	fi
	if ! cmp -s "$tmp/p1.$f" "$tmp/p2.$f"; then
		echo "$f differs between two runs with the same key"; fail=1
	fi
done
grep -q '10\.1\.' "$tmp/plain.flows" || { echo "the plain run has no home address?"; fail=1; }
[ -s "$tmp/p1.alerts" ] || { echo "no alerts"; fail=1; }

"$py" - "$tmp" <<'EOF_PY' || fail=1
import base64, hashlib, ipaddress, json, socket, struct, sys
tmp = sys.argv[1]

def cid(src, dst, proto, sport, dport):
    """Community ID v1, seed 0 (github.com/corelight/community-id-spec)."""
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if proto in (1, 58):  # ICMP: type and code, paired types swap
        pairs4 = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
        pairs6 = {128: 129, 129: 128, 130: 131, 131: 130, 133: 134, 134: 133, 135: 136,
                  136: 135, 139: 140, 140: 139, 144: 145, 145: 144}
        pairs = pairs4 if proto == 1 else pairs6
        if sport in pairs:
            dport = pairs[sport]
            one_way = False
        else:
            one_way = True
    else:
        one_way = False
    key = (s.packed, sport) > (d.packed, dport) if not one_way else False
    if key:
        s, d, sport, dport = d, s, dport, sport
    data = struct.pack("!H", 0) + s.packed + d.packed + struct.pack("!BB", proto, 0)
    if proto in (6, 17, 132, 1, 58):
        data += struct.pack("!HH", sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()

protos = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58, "sctp": 132}
home = [ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("fd00:10::/48")]
def is_home(a):
    a = ipaddress.ip_address(a)
    return any(a in n for n in home)

plain = [json.loads(l) for l in open(tmp + "/plain.flows")]
pseudo = [json.loads(l) for l in open(tmp + "/p1.flows")]
bad = 0
if len(plain) != len(pseudo):
    print("flow counts differ"); sys.exit(1)
checked = 0
pseudo_of = {}
for a, b in zip(plain, pseudo):
    for side in ("source", "destination"):
        ra, pa = a[side]["ip"], b[side]["ip"]
        if is_home(ra):
            if ra == pa:
                print("home address kept:", ra); bad = 1
            if pseudo_of.setdefault(ra, pa) != pa:
                print("two pseudonyms for", ra); bad = 1
        elif ra != pa:
            print("remote address changed:", ra, "->", pa); bad = 1
    n = b["network"]
    proto = protos.get(n.get("transport"))
    if proto is None:
        continue
    if proto in (1, 58):
        sport, dport = b["bergerie"]["icmp"]["type"], b["bergerie"]["icmp"]["code"]
    else:
        sport, dport = b["source"].get("port", 0), b["destination"].get("port", 0)
    want = cid(b["source"]["ip"], b["destination"]["ip"], proto, sport, dport)
    if n["community_id"] != want:
        print("community_id", n["community_id"], "!= computed", want, b["source"]["ip"], b["destination"]["ip"]); bad = 1
    elif is_home(a["source"]["ip"]) or is_home(a["destination"]["ip"]):
        if n["community_id"] == a["network"]["community_id"]:
            print("community_id unchanged for a pseudonymised flow"); bad = 1
        checked += 1
    for k in ("bytes", "packets"):
        if n[k] != a["network"][k]:
            print("counts differ"); bad = 1
if checked < 2:
    print("fewer than two Community IDs checked"); bad = 1

# Prefix preservation on the hosts seen: shared leading bits kept exactly.
def bits(x):
    return int(ipaddress.ip_address(x))
hosts = sorted(pseudo_of)
for i, x in enumerate(hosts):
    for y in hosts[i + 1:]:
        if ipaddress.ip_address(x).version != ipaddress.ip_address(y).version:
            continue
        w = 32 if ipaddress.ip_address(x).version == 4 else 128
        def common(p, q):
            d = bits(p) ^ bits(q)
            return w - d.bit_length()
        if common(x, y) != common(pseudo_of[x], pseudo_of[y]):
            print("prefix not preserved:", x, y, pseudo_of[x], pseudo_of[y]); bad = 1

# Alerts: the same pseudonyms as the flow records, remote ends unchanged.
for l in open(tmp + "/p1.alerts"):
    r = json.loads(l)
    for side in ("source", "destination"):
        ip = r[side]["ip"]
        if ip in pseudo_of.values():
            continue
        if is_home(ip):
            print("home address in an alert:", ip); bad = 1
# The report's senders are pseudonyms of home hosts.
rep = json.load(open(tmp + "/p1.report"))
for s in rep.get("senders", []):
    if s["ip"] not in pseudo_of.values():
        print("report sender not a known pseudonym:", s["ip"]); bad = 1
print("pseudonymize: %d hosts, %d Community IDs checked" % (len(pseudo_of), checked))
sys.exit(bad)
EOF_PY

# The schema still holds.
if "$py" -c 'import jsonschema' 2>/dev/null; then
	"$py" tests/schema-validate.py --expect-kind event docs/schema/bergerie.schema.json "$tmp/p1.flows" || fail=1
	"$py" tests/schema-validate.py --expect-kind alert docs/schema/bergerie.schema.json "$tmp/p1.alerts" || fail=1
fi

# Usage errors: exit 2, the key file named.
usage() {	# what, args...
	local what=$1 st
	shift
	"$bin" "${opts[@]}" -q "$@" >/dev/null 2>"$tmp/err"
	st=$?
	if [ "$st" != 2 ]; then echo "$what: exit $st, expected 2"; fail=1; fi
}
head -c 31 "$tmp/key" >"$tmp/short"
usage "31-byte key" --pseudonymize "$tmp/short"
grep -q "$tmp/short" "$tmp/err" || { echo "the error does not name the key file"; cat "$tmp/err"; fail=1; }
cat "$tmp/key" "$tmp/key" >"$tmp/long"
usage "64-byte key" --pseudonymize "$tmp/long"
usage "missing key" --pseudonymize "$tmp/nonexistent"
grep -q "$tmp/nonexistent" "$tmp/err" || { echo "the error does not name the key file"; fail=1; }
mkdir "$tmp/ev"
usage "--evidence with --pseudonymize" --pseudonymize "$tmp/key" --evidence "$tmp/ev"
[ -z "$(ls -A "$tmp/ev")" ] || { echo "evidence written despite the usage error"; fail=1; }
exit $fail
