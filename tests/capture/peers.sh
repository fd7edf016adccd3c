#!/usr/bin/env bash
# Peer check against tshark (CONTRACT.md 9), from committed tables, so tshark
# is not needed here: every capture in tests/peers/pcaps.tsv (pcaps/) and
# tests/peers/public.tsv (../shared/pcaps/public, when present) is replayed
# by the sanitizer build with timeouts long enough that nothing expires
# (tshark does not split on idle time), and for each file:
#   - the number of TCP and of UDP flows must equal the number of tshark's
#     -z conv,tcp and conv,udp conversations;
#   - every flow's network.community_id must be one tshark computed for the
#     file's packets, and every Community ID tshark computed must be some
#     flow's;
#   - the file's SHA-256 must be the table's (else: stale, run make peers).
# Differences listed in tests/peers/expected-differences.tsv (file, field,
# bergerie's value, tshark's value, reason; see tests/peers/README.md) are
# by design; any other fails with a precise message, and so does a listed
# difference that no longer occurs.
#   tests/capture/peers.sh [--list]   --list prints every difference found as
#                                     expected-differences.tsv lines
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
corpus=${BERGERIE_CORPUS:-../shared/pcaps/public}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PEERS_BIN=$bin PEERS_GEO_OPTS=$GEO_OPTS PEERS_TMP=$tmp PEERS_CORPUS=$corpus
exec /usr/bin/python3 - "$@" <<'PY'
import concurrent.futures, hashlib, json, os, re, shlex, subprocess, sys

BIN, TMP, CORPUS = os.environ['PEERS_BIN'], os.environ['PEERS_TMP'], os.environ['PEERS_CORPUS']
GEO = shlex.split(os.environ['PEERS_GEO_OPTS'])
LIST = '--list' in sys.argv[1:]
# Nothing expires before the end of the capture, as in tshark's tables
# (the same options as scripts/peers.sh, with the fixture GeoIP data). The
# TCP linger stays at its default: a port reused after FIN both ways and
# the linger is a new flow for bergerie (see README.md, fin-reuse).
OPTS = ('--tcp-timeout 4294967295 --udp-timeout 4294967295 '
        '--tcp-syn-timeout 4294967295 --icmp-timeout 4294967295 '
        '--other-timeout 4294967295 --active-timeout 0 -q').split()

def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 16), b''):
            h.update(b)
    return h.hexdigest()

def load(table):
    files, skips, version = {}, {}, None
    for line in open(table, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('# ') and version is None:
            version = line[2:]
        if not line or line.startswith('#'):
            continue
        f = line.split('\t')
        if f[0] == 'file':
            files[f[1]] = {'sha': f[2], 'conv': {'tcp': 0, 'udp': 0},
                           'cid': {}}
        elif f[0] == 'conv':
            files[f[1]]['conv'][f[2]] += 1
        elif f[0] == 'cid':
            files[f[1]]['cid'][f[2]] = f[4]
        elif f[0] == 'skip':
            skips[f[1]] = f[2]
    return version, files, skips

expected, used = {}, set()
for no, line in enumerate(open('tests/peers/expected-differences.tsv',
                               encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line or line.startswith('#'):
        continue
    f = line.split('\t')
    if len(f) != 5:
        sys.exit('expected-differences.tsv:%d: want 5 tab-separated fields '
                 '(file, field, bergerie, tshark, reason)' % no)
    expected[tuple(f[:4])] = (f[4], no)

def describe(rec):
    s, d, n = rec['source'], rec['destination'], rec.get('network', {})
    ep = lambda x: x.get('ip', '?') + (':%d' % x['port'] if 'port' in x else '')
    t = n.get('transport', n.get('iana_number', '?'))
    extra = ''
    if 'vlan' in n:
        extra += ' vlan ' + n['vlan']['id']
    if 'tunnel' in rec.get('bergerie', {}):
        extra += ' inner ' + rec['bergerie']['tunnel'].get('type', '?')
    return '%s %s > %s%s' % (t, ep(s), ep(d), extra)

def replay(key, path):
    out = os.path.join(TMP, re.sub(r'[^A-Za-z0-9_.-]', '_', key) + '.flows')
    p = subprocess.run([BIN, '-r', path] + GEO + OPTS + [
        '--flows', out, '--observer-name', 'peers'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, errors='replace')
    recs = []
    if os.path.exists(out):
        recs = [json.loads(l) for l in open(out, encoding='utf-8') if l.strip()]
        os.unlink(out)
    return p.returncode, p.stderr, recs

problems, found = [], []

def check(part, table, root):
    version, files, skips = load(table)
    on_disk = sorted(f for f in os.listdir(root)
                     if re.search(r'\.(pcap|pcapng|cap|pcap\.gz|out)$', f))
    prefix = 'pcaps/' if part == 'pcaps' else 'tcpdump/'
    for f in on_disk:
        if prefix + f not in files and prefix + f not in skips:
            problems.append('%s%s: not in %s (run make peers)' % (prefix, f, table))
    keys = sorted(files)
    paths = {k: os.path.join(root, k[len(prefix):]) for k in keys}
    for k in keys:
        if not os.path.exists(paths[k]):
            problems.append('%s: in %s but missing on disk (run make peers)' % (k, table))
    keys = [k for k in keys if os.path.exists(paths[k])]
    stale = [k for k in keys if sha256(paths[k]) != files[k]['sha']]
    for k in stale:
        problems.append('%s: stale: SHA-256 differs from %s (%s); run make peers'
                        % (k, table, version))
    keys = [k for k in keys if k not in stale]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        results = dict(zip(keys, ex.map(lambda k: replay(k, paths[k]), keys)))
    nflows = 0
    for k in keys:
        rc, err, recs = results[k]
        if rc != 0 or err.strip():
            problems.append('%s: bergerie exit %d, standard error: %s' % (
                k, rc, err.strip()[:500]))
            continue
        recs = [r for r in recs
                if not r.get('bergerie', {}).get('flow', {}).get('interim')]
        nflows += len(recs)
        t = files[k]
        for proto in ('tcp', 'udp'):
            b = sum(1 for r in recs if r.get('network', {}).get('transport') == proto)
            if b != t['conv'][proto]:
                found.append((k, proto + '_flows', str(b), str(t['conv'][proto]),
                              '%s flows: bergerie %d, tshark conv,%s %d' % (
                                  proto.upper(), b, proto, t['conv'][proto])))
        bcid = {}
        for r in recs:
            c = r.get('network', {}).get('community_id')
            if c is None:
                found.append((k, 'community_id', 'none: ' + describe(r), '-',
                              'flow without network.community_id: ' + describe(r)))
            else:
                bcid.setdefault(c, describe(r))
        for c, what in sorted(bcid.items()):
            if c not in t['cid']:
                found.append((k, 'community_id', c, '-',
                              'bergerie flow %s has Community ID %s, which tshark '
                              'computed for no packet' % (what, c)))
        for c, layer in sorted(t['cid'].items()):
            if c not in bcid:
                found.append((k, 'community_id', '-', c,
                              'tshark computed Community ID %s (%s layer) for '
                              'packets of no bergerie flow' % (c, layer)))
    return len(keys), nflows

summary = []
n, f = check('pcaps', 'tests/peers/pcaps.tsv', 'pcaps')
summary.append('pcaps: %d files, %d flows' % (n, f))
public = os.path.isdir(os.path.join(CORPUS, 'tcpdump'))
if public:
    n, f = check('public', 'tests/peers/public.tsv', os.path.join(CORPUS, 'tcpdump'))
    summary.append('public: %d files, %d flows' % (n, f))

if LIST:
    for k, field, b, t, msg in found:
        print('%s\t%s\t%s\t%s\t%s' % (k, field, b, t, '?'))
    sys.exit(0)
unlisted = 0
for k, field, b, t, msg in found:
    key = (k, field, b, t)
    if key in expected:
        used.add(key)
    else:
        unlisted += 1
        problems.append('%s: %s (not in tests/peers/expected-differences.tsv)' % (k, msg))
for key, (reason, no) in sorted(expected.items(), key=lambda x: x[1][1]):
    if key not in used and (public or key[0].startswith('pcaps/')):
        problems.append('expected-differences.tsv:%d: %s %s no longer differs '
                        '(bergerie %s, tshark %s): remove the line' % (
                            no, key[0], key[1], key[2], key[3]))
for m in problems:
    print(m)
print('peers: %s; %d differences by design, %d problems' % (
    '; '.join(summary), len(used), len(problems)))
if problems:
    sys.exit(1)
if not public:
    print('skipped: public part: no corpus at %s (pcaps/ part passed)' % CORPUS)
    sys.exit(77)
PY
