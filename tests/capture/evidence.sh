#!/usr/bin/env bash
# --evidence DIR (CONTRACT.md section 7) on office.pcap: one pcap per
# alerting flow, named in its alert (bergerie.evidence.path), readable by
# tcpdump, holding that flow's first packets (at most --evidence-packets,
# the packets before the decision included); --evidence-memcap bounds the
# total and counts what it drops; a run without --evidence writes the same
# records as before.
set -u
cd "$(dirname "$0")/../.."
. tests/capture/common.sh
py=/usr/bin/python3
if ! command -v tcpdump >/dev/null; then
	echo "tcpdump is not installed"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# shellcheck disable=SC2206
opts=(-r pcaps/office.pcap $GEO_OPTS -q --observer-name evtest --stats-interval 0)

check_run() {	# tag, N, extra args...
	local tag=$1 n=$2
	shift 2
	mkdir -p "$tmp/$tag"
	"$bin" "${opts[@]}" --evidence "$tmp/$tag" --evidence-packets "$n" \
		--alerts "$tmp/$tag.alerts" --flows "$tmp/$tag.flows" \
		--metrics "$tmp/$tag.metrics" "$@" 2>"$tmp/$tag.err" ||
		{ echo "$tag: exit $?"; cat "$tmp/$tag.err"; fail=1; return; }
	"$py" - "$tmp/$tag" "$n" "$tmp/$tag.alerts" "$tmp/$tag.flows" "$tmp/$tag.metrics" <<'EOF_PY' || fail=1
import json, os, subprocess, sys
d, n, alerts, flows, metrics = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
bad = 0
recs = [json.loads(l) for l in open(alerts)]
firsts = [r for r in recs if "alert" not in r["bergerie"]]
paths = {}
for r in firsts:
    p = r["bergerie"].get("evidence", {}).get("path")
    if p is None:
        print("an alert without evidence:", r["network"]["community_id"]); bad = 1
        continue
    if p in paths:
        print("two alerts name", p); bad = 1
    paths[p] = r
# Closing records repeat their window's first alert, path included.
for r in recs:
    p = r["bergerie"].get("evidence", {}).get("path")
    if p and p not in paths:
        print("closing record names an unknown file", p); bad = 1
files = sorted(os.path.join(d, f) for f in os.listdir(d))
if sorted(paths) != files:
    print("files and alerts differ:", len(files), "files,", len(paths), "paths"); bad = 1
by_cid = {}
for l in open(flows):
    f = json.loads(l)
    by_cid.setdefault(f["network"]["community_id"], []).append(f)
total = 0
for p, r in paths.items():
    if not os.path.exists(p):
        print("missing", p); continue
    out = subprocess.run(["tcpdump", "-nn", "-r", p], capture_output=True, text=True)
    if out.returncode != 0:
        print("tcpdump -r", p, "failed:", out.stderr.strip()); bad = 1; continue
    lines = [l for l in out.stdout.splitlines() if l.strip()]
    cid = r["network"]["community_id"]
    flow = by_cid.get(cid, [None])[0]
    want = min(n, flow["network"]["packets"]) if flow else None
    if want is None or len(lines) != want:
        print(p, "holds", len(lines), "packets, expected", want); bad = 1
    if not os.path.basename(p).startswith(cid[2:].replace("/", "_").replace("+", "-").rstrip("=")):
        print(p, "not named for", cid); bad = 1
    # Every packet is the flow's: both addresses appear on each line.
    s, t = r["source"]["ip"], r["destination"]["ip"]
    for l in lines:
        if s not in l or t not in l:
            print(p, "holds a packet of another flow:", l); bad = 1; break
    total += os.path.getsize(p)
st = json.loads(open(metrics).read().splitlines()[-1])["bergerie"]["stats"]
if st["evidence_files"] != len(files) or st["evidence_bytes"] != total:
    print("counters", st["evidence_files"], st["evidence_bytes"], "files", len(files), total); bad = 1
print("%s: %d files, %d bytes, %d packets" % (os.path.basename(d), len(files), total, st["evidence_packets"]))
sys.exit(bad)
EOF_PY
}
check_run n20 20
check_run n3 3

# The memcap: 2 KB holds a few small files; the rest is counted.
mkdir -p "$tmp/cap"
"$bin" "${opts[@]}" --evidence "$tmp/cap" --evidence-memcap 2K \
	--alerts "$tmp/cap.alerts" --metrics "$tmp/cap.metrics" || fail=1
"$py" - "$tmp/cap" "$tmp/cap.metrics" <<'EOF_PY' || fail=1
import json, os, sys
d, m = sys.argv[1:3]
st = json.loads(open(m).read().splitlines()[-1])["bergerie"]["stats"]
size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
bad = 0
if size > 2048 or st["evidence_bytes"] != size:
    print("memcap: %d bytes on disk, %d counted, cap 2048" % (size, st["evidence_bytes"])); bad = 1
if st["evidence_memcap_dropped"] == 0:
    print("memcap: nothing counted as dropped"); bad = 1
print("memcap: %d bytes, %d packets dropped" % (size, st["evidence_memcap_dropped"]))
sys.exit(bad)
EOF_PY

# The buffer memcap: packets of undecided flows not kept are counted.
mkdir -p "$tmp/buf"
"$bin" "${opts[@]}" --evidence "$tmp/buf" --evidence-buffer-memcap 4K \
	--metrics "$tmp/buf.metrics" || fail=1
grep -q '"evidence_buffer_memcap_dropped":[1-9]' "$tmp/buf.metrics" ||
	{ echo "buffer memcap: nothing counted"; fail=1; }

# Statistics validate; records without --evidence carry no evidence field.
if "$py" -c 'import jsonschema' 2>/dev/null; then
	"$py" tests/schema-validate.py --expect-kind alert docs/schema/bergerie.schema.json "$tmp/n20.alerts" || fail=1
	"$py" tests/schema-validate.py --expect-kind metric docs/schema/bergerie.schema.json "$tmp/n20.metrics" || fail=1
fi
"$bin" "${opts[@]}" --alerts "$tmp/plain.alerts" --metrics "$tmp/plain.metrics" || fail=1
if grep -qE '"evidence[_"]' "$tmp/plain.alerts" "$tmp/plain.metrics"; then
	echo "evidence fields without --evidence"; fail=1
fi

# Usage errors.
for args in "--evidence $tmp/nonexistent" "--evidence $tmp/n20.alerts" \
	"--evidence $tmp/n20 --evidence-packets 0"; do
	# shellcheck disable=SC2086
	"$bin" "${opts[@]}" $args >/dev/null 2>&1
	st=$?
	[ "$st" = 2 ] || { echo "$args: exit $st, expected 2"; fail=1; }
done
exit $fail
