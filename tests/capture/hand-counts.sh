#!/usr/bin/env bash
# Hand counts: replays every case of tests/expected/flows.tsv (a table
# written from the captures' hand-computed tallies, never from bergerie's
# output) with the sanitizer build and checks each flow record field by
# field: transport, addresses, ports, packets and IP bytes each way, end
# reason, VLANs, tunnel, ICMP type; that no unexpected record appears and
# none is missing; and the listed counters of the final statistics record
# (malformed counters not listed must be absent or 0).
#   tests/capture/hand-counts.sh [CASE...]
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HC_BIN=$bin HC_GEO_OPTS=$GEO_OPTS HC_TMP=$tmp
exec /usr/bin/python3 - tests/expected/flows.tsv "$@" <<'PY'
import json, os, shlex, subprocess, sys

table, only = sys.argv[1], sys.argv[2:]
cases, order, rows, stats, alias = {}, [], {}, {}, {}
problems = []

def fail(msg):
    problems.append(msg)

for no, line in enumerate(open(table, encoding='utf-8'), 1):
    line = line.split('#', 1)[0].rstrip()
    if not line.strip():
        continue
    f = [x.strip() for x in line.split('\t')]
    where = '%s:%d' % (table, no)
    if f[0] == '@case':
        if len(f) < 3:
            sys.exit('%s: @case NAME PCAP [OPTIONS]' % where)
        cases[f[1]] = (f[2], f[3] if len(f) > 3 else '')
        order.append(f[1])
    elif f[0] == '@stat':
        stats.setdefault(f[1], []).append((f[2], int(f[3]), where))
    elif f[0] == '@rows':
        alias[f[1]] = f[2]
    else:
        if len(f) != 12:
            sys.exit('%s: %d fields, want 12' % (where, len(f)))
        rows.setdefault(f[0], []).append(f + [where])

def ports(x):
    return None if x == '-' else int(x)

def expected_key(r):
    extra = {} if r[11] == '-' else dict(
        (kv.split('=', 1) + [True])[:2] for kv in r[11].split(','))
    return (r[1], r[2], ports(r[3]), r[4], ports(r[5]),
            extra.get('vlan'), extra.get('inner_vlan'), extra.get('tunnel')), extra

def record_key(rec):
    n, b = rec.get('network', {}), rec.get('bergerie', {})
    tr = n.get('transport')
    if tr is None:
        tr = n.get('iana_number', '?')
    elif 'iana_number' in n:
        fail('record has both network.transport and network.iana_number')
    tun = b.get('tunnel')
    return (tr, rec['source'].get('ip'), rec['source'].get('port'),
            rec['destination'].get('ip'), rec['destination'].get('port'),
            n.get('vlan', {}).get('id'), n.get('inner', {}).get('vlan', {}).get('id'),
            '%s/%s' % (tun.get('type'), tun.get('depth')) if tun else None)

def show(key):
    tr, si, sp, di, dp, v, iv, tun = key
    s = '%s %s%s -> %s%s' % (tr, si, '' if sp is None else ':%d' % sp,
                             di, '' if dp is None else ':%d' % dp)
    if v: s += ' vlan %s' % v
    if iv: s += ' inner vlan %s' % iv
    if tun: s += ' tunnel %s' % tun
    return s

def check_record(case, r, rec):
    key, extra = expected_key(r)
    what = '%s: %s (%s)' % (case, show(key), r[12])
    b = rec.get('bergerie', {})
    def eq(field, want, got):
        if want != got:
            fail('%s: %s: expected %s, got %s' % (what, field, want, got))
    s, d = rec['source'], rec['destination']
    eq('source.packets', int(r[6]), s.get('packets'))
    eq('source.bytes', int(r[7]), s.get('bytes'))
    eq('destination.packets', int(r[8]), d.get('packets'))
    eq('destination.bytes', int(r[9]), d.get('bytes'))
    n = rec.get('network', {})
    eq('network.packets', int(r[6]) + int(r[8]), n.get('packets'))
    eq('network.bytes', int(r[7]) + int(r[9]), n.get('bytes'))
    eq('bergerie.flow.end_reason', r[10], b.get('flow', {}).get('end_reason'))
    eq('bergerie.flow.interim', 'interim' in extra,
       bool(b.get('flow', {}).get('interim', False)))
    tun = b.get('tunnel', {})
    if 'outer' in extra:
        o = tun.get('outer', {})
        eq('bergerie.tunnel.outer', extra['outer'], '%s>%s' % (
            o.get('source', {}).get('ip'), o.get('destination', {}).get('ip')))
    elif tun:
        eq('bergerie.tunnel.outer', None, tun.get('outer'))
    eq('bergerie.tunnel.vni', int(extra['vni']) if 'vni' in extra else None,
       tun.get('vni'))
    icmp = b.get('icmp')
    eq('bergerie.icmp', extra.get('icmp'),
       '%s/%s' % (icmp.get('type'), icmp.get('code')) if icmp else None)

binary = os.environ['HC_BIN']
geo = shlex.split(os.environ['HC_GEO_OPTS'])
tmp = os.environ['HC_TMP']
nrec = 0
for case in order:
    if only and case not in only:
        continue
    pcap, opts = cases[case]
    want = rows.get(alias.get(case, case), [])
    if not want:
        fail('%s: no rows in the table' % case)
        continue
    fl, me = os.path.join(tmp, case + '.flows'), os.path.join(tmp, case + '.metrics')
    cmd = [binary, '-r', pcap] + geo + shlex.split(opts) + [
        '--observer-name', 'hand', '-q', '--flows', fl, '--metrics', me,
        '--stats-interval', '0']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0 or p.stderr:
        fail('%s: %s exited %d: %s' % (case, ' '.join(cmd), p.returncode,
                                       p.stderr.strip()[:2000]))
        if p.returncode != 0:
            continue
    recs = [json.loads(l) for l in open(fl, encoding='utf-8') if l.strip()]
    nrec += len(recs)
    got = {}
    for rec in recs:
        got.setdefault(record_key(rec), []).append(rec)
    expect = {}
    for r in want:
        expect.setdefault(expected_key(r)[0], []).append(r)
    for key, rs in expect.items():
        gs = got.get(key, [])
        for i, r in enumerate(rs):
            if i < len(gs):
                check_record(case, r, gs[i])
            else:
                fail('%s: missing record %s (%s, %s)' % (case, show(key), r[12], r[10]))
        for rec in gs[len(rs):]:
            fail('%s: unexpected extra record %s (%s/%s %s/%s %s)' % (
                case, show(key), rec['source'].get('packets'),
                rec['source'].get('bytes'), rec['destination'].get('packets'),
                rec['destination'].get('bytes'),
                rec.get('bergerie', {}).get('flow', {}).get('end_reason')))
    for key, gs in got.items():
        if key not in expect:
            for rec in gs:
                fail('%s: unexpected record %s (%s/%s %s/%s %s)' % (
                    case, show(key), rec['source'].get('packets'),
                    rec['source'].get('bytes'), rec['destination'].get('packets'),
                    rec['destination'].get('bytes'),
                    rec.get('bergerie', {}).get('flow', {}).get('end_reason')))
    mets = [json.loads(l) for l in open(me, encoding='utf-8') if l.strip()]
    if not mets:
        fail('%s: no statistics record' % case)
        continue
    st = mets[-1].get('bergerie', {}).get('stats', {})
    listed = set()
    for k, v, where in stats.get(case, []):
        node = st
        for part in k.split('/'):
            node = node.get(part) if isinstance(node, dict) else None
        if k.startswith('malformed/'):
            listed.add(k.split('/', 1)[1])
        if node != v:
            fail('%s: bergerie.stats.%s: expected %s, got %s (%s)' % (
                case, k.replace('/', '.'), v, node, where))
    for k, v in sorted(st.get('malformed', {}).items()):
        if k not in listed and v:
            fail('%s: bergerie.stats.malformed.%s: expected 0, got %s' % (case, k, v))

for m in problems:
    print(m)
n = len([c for c in order if not only or c in only])
print('hand-counts: %d cases, %d records, %d differences' % (n, nrec, len(problems)))
sys.exit(1 if problems else 0)
PY
