#!/bin/sh
# peers-names.sh: regenerates tests/peers/names/names.tsv, tshark's server
# names for every capture that tests/capture/names-peers.sh compares with
# bergerie (issue 5, CONTRACT.md 9), so the test never needs tshark. Keyed
# by each file's SHA-256 and tshark's version. Per file, lowercased:
#
#   sni     the TLS server names tshark decodes (tls.handshake.
#           extensions_server_name: TCP ClientHellos and QUIC Initials)
#   http    the Host of each HTTP request (http.host, as sent: the test
#           strips ports)
#   dnsname the question names (dns.qry.name) of DNS responses carrying an
#           A or AAAA record ("dns.flags.response==1 && (dns.a || dns.aaaa)")
#   dns     two counts: DNS standard-query responses (QR 1, opcode 0) from
#           UDP source port 53 or 5353 or TCP source port 53, outside ICMP
#           error quotes (the messages bergerie reads), and how many of
#           them carry an A or AAAA record
#
# Files: pcaps/*.pcap* and, when present, the public corpus files that
# tests/peers/public.tsv tables (those bergerie accepts).
#
#   scripts/peers-names.sh            TSHARK=... JOBS=2 scripts/peers-names.sh
set -eu
cd "$(dirname "$0")/.."
TSHARK=${TSHARK:-tshark}
JOBS=${JOBS:-2}
CORPUS=${BERGERIE_CORPUS:-../shared/pcaps/public}
if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "peers-names: tshark not found; install it or set TSHARK" >&2
	exit 2
fi
export TSHARK JOBS CORPUS
exec /usr/bin/python3 - "$@" <<'PY'
import concurrent.futures, hashlib, os, re, subprocess

TSHARK, JOBS, CORPUS = os.environ['TSHARK'], int(os.environ['JOBS']), os.environ['CORPUS']
FIELDS = ['tls.handshake.extensions_server_name', 'http.host', 'http.request',
          'dns.flags.response', 'dns.flags.opcode', 'dns.qry.name', 'dns.a',
          'dns.aaaa', 'udp.srcport', 'tcp.srcport', 'icmp.type', 'icmpv6.type']

def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 16), b''):
            h.update(b)
    return h.hexdigest()

def clean(v):
    # tshark escapes nothing in -T fields; tabs and newlines would break
    # the table: write them as bergerie's sanitiser does.
    return ''.join(c if 0x20 <= ord(c) < 0x7f and c != '\\' else
                   '\\x%02x' % (ord(c) & 0xff) for c in v.lower())

def one(key, path):
    cmd = [TSHARK, '-n', '-r', path, '-T', 'fields', '-E', 'separator=/t',
           '-E', 'occurrence=a', '-E', 'aggregator=\x1f']
    for f in FIELDS:
        cmd += ['-e', f]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, errors='replace',
                           timeout=300)
    except subprocess.TimeoutExpired:
        return ['skip\t%s\t%s\ttshark timed out' % (key, sha256(path))]
    if p.returncode != 0:
        return ['skip\t%s\t%s\ttshark exit %d' % (key, sha256(path), p.returncode)]
    sni, http, dnsname = set(), set(), set()
    responses = answered = 0
    for line in p.stdout.splitlines():
        c = line.split('\t')
        c += [''] * (len(FIELDS) - len(c))
        v = dict((f, [x for x in c[i].split('\x1f') if x != ''])
                 for i, f in enumerate(FIELDS))
        sni.update(clean(x) for x in v['tls.handshake.extensions_server_name'])
        if v['http.request']:
            http.update(clean(x) for x in v['http.host'])
        if not v['dns.flags.response']:
            continue
        if v['icmp.type'] or v['icmpv6.type']:
            continue
        ports = set(v['udp.srcport']) & {'53', '5353'} or set(v['tcp.srcport']) & {'53'}
        if not ports:
            continue
        ops = v['dns.flags.opcode'] + ['0'] * len(v['dns.flags.response'])
        n = sum(1 for r, o in zip(v['dns.flags.response'], ops)
                if r in ('1', 'True') and o == '0')
        responses += n
        if n and (v['dns.a'] or v['dns.aaaa']):
            answered += 1
            dnsname.update(clean(x) for x in v['dns.qry.name'])
    out = ['file\t%s\t%s' % (key, sha256(path)),
           'dns\t%s\t%d\t%d' % (key, responses, answered)]
    out += ['sni\t%s\t%s' % (key, x) for x in sorted(sni)]
    out += ['http\t%s\t%s' % (key, x) for x in sorted(http)]
    out += ['dnsname\t%s\t%s' % (key, x) for x in sorted(dnsname)]
    return out

files = [('pcaps/' + f, 'pcaps/' + f) for f in sorted(os.listdir('pcaps'))
         if f.endswith('.pcap') or f.endswith('.pcapng')]
root = os.path.join(CORPUS, 'tcpdump')
if os.path.isdir(root):
    for line in open('tests/peers/public.tsv', encoding='utf-8'):
        f = line.rstrip('\n').split('\t')
        if f[0] == 'file':
            files.append((f[1], os.path.join(root, f[1][len('tcpdump/'):])))
else:
    print('peers-names: no public corpus at %s: pcaps/ only' % root)
version = subprocess.run([TSHARK, '--version'], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.splitlines()[0]
with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
    res = list(ex.map(lambda kp: one(*kp), files))
os.makedirs('tests/peers/names', exist_ok=True)
dest = 'tests/peers/names/names.tsv'
with open(dest + '.tmp', 'w', encoding='utf-8') as f:
    f.write('# %s\n' % version)
    f.write('# server names per capture, written by scripts/peers-names.sh; '
            'read by tests/capture/names-peers.sh\n')
    f.write('# file KEY SHA256 | dns KEY RESPONSES WITH_A_OR_AAAA | sni KEY NAME '
            '| http KEY HOST | dnsname KEY NAME | skip KEY SHA256 REASON\n')
    for r in res:
        f.write('\n'.join(r) + '\n')
os.replace(dest + '.tmp', dest)
print('peers-names: %s: %d files' % (dest, len(files)))
PY
