#!/usr/bin/env bash
# SIGHUP while traffic flows (issue 3): the policy is loaded again and
# applies to every flow from its next packet on; a policy that does not
# load is reported in one line and the one in force stays.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp geo/data/default-policy.json "$tmp/policy.json"
mkfifo "$tmp/fifo"
# shellcheck disable=SC2086
"$bin" $GEO_OPTS --observer-name reload -r - --policy "$tmp/policy.json" \
	--flows "$tmp/flows.json" -q <"$tmp/fifo" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
size=$(stat -c %s pcaps/office.pcap)
third=$((size / 3))
head -c "$third" pcaps/office.pcap >&3
sleep 1
# A different policy: flag every EU-hosted flow as well.
/usr/bin/python3 - "$tmp/policy.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["rules"].insert(0, {"id": "test.flag-eu", "name": "Flag EU too",
                      "action": "flag", "severity": "low",
                      "verdict": ["eu"]})
json.dump(p, open(sys.argv[1], "w"), indent=1)
PY
kill -HUP "$pid"
tail -c +$((third + 1)) pcaps/office.pcap | head -c "$third" >&3
sleep 1
printf '{ "rules": [ nonsense ] }\n' >"$tmp/policy.json"
kill -HUP "$pid"
tail -c +$((2 * third + 1)) pcaps/office.pcap >&3
exec 3>&-
wait "$pid"; rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; cat "$tmp/err"; fail=1; }
if [ "$(grep -c 'reload refused' "$tmp/err")" -ne 1 ] ||
   ! grep -q "$tmp/policy.json:1:" "$tmp/err"; then
	echo "FAIL: the bad policy was not reported once with its position:"; cat "$tmp/err"; fail=1
fi
/usr/bin/python3 - "$tmp/flows.json" <<'PY' || fail=1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
hashes = [r["bergerie"]["policy"]["hash"] for r in recs if "policy" in r["bergerie"]]
distinct = list(dict.fromkeys(hashes))
assert len(distinct) == 2, f"expected two policies in force over the run, saw {distinct}"
# Two policies, never a third: the bad file was refused. A record carries
# the policy in force at its flow's last packet, so flows that went quiet
# before the reload still carry the first one.
first, second = distinct
assert hashes[0] == first and hashes[-1] == second, hashes
eu_rules = {r["bergerie"].get("rule") for r in recs
            if r["bergerie"]["policy"]["hash"] == second and r["bergerie"].get("verdict") == "eu"}
assert eu_rules == {"test.flag-eu"}, eu_rules
print(f"reload: {len(recs)} records, policy {first} then {second}; bad policy refused")
PY
exit $fail
