#!/usr/bin/env bash
# Server names against tshark (issue 5, CONTRACT.md 9), from the committed
# table tests/peers/names/names.tsv (scripts/peers-names.sh), so tshark is
# not needed here. Every tabled capture (pcaps/, and ../shared/pcaps/public
# when present) is replayed by the sanitizer build, and per file:
#   sni      the set of tls.client.server_name values must equal tshark's
#            tls.handshake.extensions_server_name set;
#   http     the set of destination.domain of flows whose
#            bergerie.name_source is "http" must equal tshark's http.host
#            set (port stripped, lowercased);
#   dns      the final statistics record's dns_responses must equal
#            tshark's count of DNS standard-query responses from UDP port
#            53/5353 or TCP port 53 (bergerie learns names from answers);
#   dnsname  every name a flow got from DNS (destination.domain with
#            name_source "dns", and bergerie.dns_name) must be the question
#            of some response tshark saw with an A or AAAA record.
# Both sides drop what CONTRACT.md 5 says is no name: IP literals, trailing
# dots. A difference listed in tests/peers/names/expected-differences.tsv
# (file, field, bergerie, tshark, reason) is by design; any other fails, and
# so does a listed one that no longer occurs, or a stale table (SHA-256).
#   tests/capture/names-peers.sh [--list]   --list prints the differences
#                                           as expected-differences lines
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/capture/common.sh
corpus=${BERGERIE_CORPUS:-../shared/pcaps/public}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NP_BIN=$bin NP_GEO_OPTS=$GEO_OPTS NP_TMP=$tmp NP_CORPUS=$corpus
exec /usr/bin/python3 - "$@" <<'PY'
import concurrent.futures, hashlib, ipaddress, json, os, re, shlex, subprocess, sys

BIN, TMP, CORPUS = os.environ['NP_BIN'], os.environ['NP_TMP'], os.environ['NP_CORPUS']
GEO = shlex.split(os.environ['NP_GEO_OPTS'])
LIST = '--list' in sys.argv[1:]
TABLE = 'tests/peers/names/names.tsv'
EXPECTED = 'tests/peers/names/expected-differences.tsv'

def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 16), b''):
            h.update(b)
    return h.hexdigest()

def is_ip(s):
    try:
        ipaddress.ip_address(s.strip('[]'))
        return True
    except ValueError:
        return False

def norm(s):
    s = s.lower().rstrip('.')
    return None if not s or is_ip(s) else s

def host(s):
    s = s.strip()
    if s.startswith('['):
        return None	# a bracketed IPv6 literal
    if s.count(':') == 1:
        s = s.split(':')[0]
    return norm(s)

files, skips, version = {}, set(), None
for line in open(TABLE, encoding='utf-8'):
    line = line.rstrip('\n')
    if line.startswith('# ') and version is None:
        version = line[2:]
    if not line or line.startswith('#'):
        continue
    f = line.split('\t')
    if f[0] == 'file':
        files[f[1]] = {'sha': f[2], 'sni': set(), 'http': set(),
                       'dnsname': set(), 'dns': (0, 0)}
    elif f[0] == 'skip':
        skips.add(f[1])
    elif f[0] == 'dns':
        files[f[1]]['dns'] = (int(f[2]), int(f[3]))
    elif f[0] in ('sni', 'http', 'dnsname'):
        v = host(f[2]) if f[0] == 'http' else norm(f[2])
        if v:
            files[f[1]][f[0]].add(v)

expected = {}
for no, line in enumerate(open(EXPECTED, encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line or line.startswith('#'):
        continue
    f = line.split('\t')
    if len(f) != 5:
        sys.exit('%s:%d: want 5 tab-separated fields (file, field, bergerie, '
                 'tshark, reason)' % (EXPECTED, no))
    expected[tuple(f[:4])] = no

public = os.path.isdir(os.path.join(CORPUS, 'tcpdump'))

def path_of(key):
    if key.startswith('pcaps/'):
        return key
    return os.path.join(CORPUS, 'tcpdump', key[len('tcpdump/'):])

def replay(key):
    base = os.path.join(TMP, re.sub(r'[^A-Za-z0-9_.-]', '_', key))
    p = subprocess.run([BIN, '-r', path_of(key)] + GEO + [
        '--flows', base + '.flows', '--metrics', base + '.metrics',
        '--stats-interval', '0', '--observer-name', 'peers', '-q'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, errors='replace')
    recs, stats = [], {}
    if os.path.exists(base + '.flows'):
        recs = [json.loads(l) for l in open(base + '.flows', encoding='utf-8') if l.strip()]
        os.unlink(base + '.flows')
    if os.path.exists(base + '.metrics'):
        ms = [json.loads(l) for l in open(base + '.metrics', encoding='utf-8') if l.strip()]
        os.unlink(base + '.metrics')
        if ms:
            stats = ms[-1].get('bergerie', {}).get('stats', {})
    return p.returncode, p.stderr, recs, stats

problems, found = [], []
keys = sorted(k for k in files if k.startswith('pcaps/') or public)
on_disk = ['pcaps/' + f for f in os.listdir('pcaps')
           if f.endswith('.pcap') or f.endswith('.pcapng')]
for k in sorted(on_disk):
    if k not in files and k not in skips:
        problems.append('%s: not in %s (run scripts/peers-names.sh)' % (k, TABLE))
keys = [k for k in keys if os.path.exists(path_of(k))]
stale = [k for k in keys if sha256(path_of(k)) != files[k]['sha']]
for k in stale:
    problems.append('%s: stale: SHA-256 differs from %s (%s); run '
                    'scripts/peers-names.sh' % (k, TABLE, version))
keys = [k for k in keys if k not in stale]
with concurrent.futures.ThreadPoolExecutor(2) as ex:
    results = dict(zip(keys, ex.map(replay, keys)))

def diff_sets(k, field, b, t):
    for x in sorted(b - t):
        found.append((k, field, x, '-'))
    for x in sorted(t - b):
        found.append((k, field, '-', x))

for k in keys:
    rc, err, recs, stats = results[k]
    if rc != 0:
        problems.append('%s: bergerie exit %d: %s' % (k, rc, err.strip()[:300]))
        continue
    t = files[k]
    sni, http, dnsnames = set(), set(), set()
    for r in recs:
        b = r.get('bergerie', {})
        d = r.get('destination', {}).get('domain')
        s = r.get('tls', {}).get('client', {}).get('server_name')
        if s:
            sni.add(s)
        if d and b.get('name_source') == 'http':
            http.add(d)
        if d and b.get('name_source') == 'dns':
            dnsnames.add(d)
        if b.get('dns_name'):
            dnsnames.add(b['dns_name'])
    diff_sets(k, 'sni', sni, t['sni'])
    diff_sets(k, 'http', http, t['http'])
    for x in sorted(dnsnames - t['dnsname']):
        found.append((k, 'dnsname', x, '-'))
    got = stats.get('dns_responses', 0)
    if got != t['dns'][0]:
        found.append((k, 'dns_responses', str(got), str(t['dns'][0])))

if LIST:
    for f in found:
        print('\t'.join(f) + '\t?')
    sys.exit(0)
used = set()
for f in found:
    if f in expected:
        used.add(f)
    else:
        problems.append('%s: %s: bergerie %s, tshark %s (not in %s)' % (
            f[0], f[1], f[2], f[3], EXPECTED))
for key, no in sorted(expected.items(), key=lambda x: x[1]):
    if key not in used and (public or key[0].startswith('pcaps/')):
        problems.append('%s:%d: %s %s no longer differs (bergerie %s, tshark '
                        '%s): remove the line' % (EXPECTED, no, key[0], key[1],
                                                  key[2], key[3]))
for m in problems:
    print(m)
n = sum(len(files[k]['sni']) + len(files[k]['http']) for k in keys)
print('names-peers: %d files, %d tshark SNI/Host names; %d differences by '
      'design, %d problems' % (len(keys), n, len(used), len(problems)))
if problems:
    sys.exit(1)
if not public:
    print('skipped: public part: no corpus at %s (pcaps/ part passed)' % CORPUS)
    sys.exit(77)
PY
