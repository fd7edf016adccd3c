#!/bin/sh
# peers.sh (`make peers`): regenerates the committed peer tables that
# tests/capture/peers.sh compares bergerie with (CONTRACT.md 9), so the
# tests never need tshark:
#
#   tests/peers/pcaps.tsv    the project's captures, pcaps/*.pcap*
#   tests/peers/public.tsv   ../shared/pcaps/public/tcpdump/* (when present)
#
# For every capture that tshark reads (exit 0) and bergerie accepts (exit
# 0), keyed by the file's SHA-256 and tshark's version:
#   - the TCP and UDP conversations of `tshark -z conv,tcp -z conv,udp`
#     (addresses, ports, frames and bytes each way, as tshark prints them);
#   - the Community IDs tshark computes (communityid post-dissector, seed 0,
#     base64), with the number of frames carrying each: once with every
#     dissector on (tshark hashes the innermost flow of a tunnelled packet),
#     then with the tunnel dissectors off, then with IPv6 off (the outer
#     flows; "outer" lines list the IDs only those passes found).
# Files tshark or bergerie refuses are listed as "skip" with the reason.
#
#   scripts/peers.sh [pcaps|public]...     (default: both)
#   TSHARK=... BERGERIE=... JOBS=2 scripts/peers.sh
set -eu
cd "$(dirname "$0")/.."
TSHARK=${TSHARK:-tshark}
BERGERIE=${BERGERIE:-./bergerie}
JOBS=${JOBS:-2}
CORPUS=${BERGERIE_CORPUS:-../shared/pcaps/public}
if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "peers: tshark not found; install it (apt-get install tshark, answering" >&2
	echo "peers: wireshark-common/install-setuid false) or set TSHARK" >&2
	exit 2
fi
if [ ! -x "$BERGERIE" ]; then
	echo "peers: $BERGERIE missing; run 'make bergerie'" >&2
	exit 2
fi
export TSHARK BERGERIE JOBS CORPUS
exec /usr/bin/python3 - "$@" <<'PY'
import concurrent.futures, hashlib, os, re, subprocess, sys, time

TSHARK, BERGERIE = os.environ['TSHARK'], os.environ['BERGERIE']
JOBS, CORPUS = int(os.environ['JOBS']), os.environ['CORPUS']
# The options tests/capture/peers.sh replays with (keep the two in step).
BOPTS = ('--no-geoip --tcp-timeout 4294967295 --udp-timeout 4294967295 '
         '--tcp-syn-timeout 4294967295 --icmp-timeout 4294967295 '
         '--other-timeout 4294967295 --active-timeout 0 -q').split()
# Tunnel dissectors turned off for the second pass, so that tshark hashes
# the outer flow of an encapsulated packet.
TUNNELS = ['gre', 'vxlan', 'geneve', 'gtp', 'teredo', 'l2tp', 'erspan']
CONV = re.compile(
    r'^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+'
    r'(\d+)\s+(\d+(?:\.\d+)?\s*(?:bytes|kB|MB|GB|TB))\s+'
    r'(\d+)\s+(\d+(?:\.\d+)?\s*(?:bytes|kB|MB|GB|TB))\s+'
    r'(\d+)\s+\S+\s*\S*\s+-?[\d.]+\s+-?[\d.]+\s*$')

def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 16), b''):
            h.update(b)
    return h.hexdigest()

class Timeout:
    returncode, stdout, stderr = 124, '', 'timed out after 300 s'

def run(cmd):
    for attempt in range(10):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  universal_newlines=True, errors='replace',
                                  timeout=300)
        except subprocess.TimeoutExpired:
            return Timeout()
        except OSError:	# the binary being relinked by a parallel make
            time.sleep(1)
    raise SystemExit('peers: cannot run %s' % cmd[0])

def first_line(s):
    s = [l for l in s.splitlines() if l.strip() and 'Running as user' not in l]
    return (s[0] if s else '').replace('\t', ' ')[:200]

def bytes_of(s):
    s = s.replace(' ', '')
    return s[:-5] if s.endswith('bytes') else s

def one(key, path):
    digest = sha256(path)
    b = run([BERGERIE, '-r', path] + BOPTS + ['--flows', '/dev/null',
                                              '--observer-name', 'peers'])
    if b.returncode != 0:
        return ['skip\t%s\t%s\tbergerie exit %d: %s' % (
            key, digest, b.returncode, first_line(b.stderr))]
    t = run([TSHARK, '-n', '-r', path, '--enable-protocol', 'communityid',
             '-o', 'communityid.seed:0', '-o', 'communityid.do_base64:TRUE',
             '-T', 'fields', '-e', 'frame.number', '-e', 'communityid',
             '-z', 'conv,tcp', '-z', 'conv,udp'])
    if t.returncode != 0:
        return ['skip\t%s\t%s\ttshark exit %d: %s' % (
            key, digest, t.returncode, first_line(t.stderr))]
    # The outer layers: tunnel dissectors off, then IPv6 off (6in4; not in
    # the same pass, which would lose tunnels whose outer layer is IPv6).
    outer_runs = []
    for off in (TUNNELS, ['ipv6']):
        cmd = [TSHARK, '-n', '-r', path, '--enable-protocol', 'communityid',
               '-o', 'communityid.seed:0', '-o', 'communityid.do_base64:TRUE',
               '-T', 'fields', '-e', 'frame.number', '-e', 'communityid']
        for p in off:
            cmd += ['--disable-protocol', p]
        outer_runs.append(run(cmd))
    frames, inner, outer, conv, proto = 0, {}, {}, [], None
    for line in t.stdout.splitlines():
        m = re.match(r'^(\d+)\t(.*)$', line)
        if m and proto is None:
            frames += 1
            for c in filter(None, m.group(2).split(',')):
                inner[c] = inner.get(c, 0) + 1
            continue
        if line.startswith('TCP Conversations'):
            proto = 'tcp'
        elif line.startswith('UDP Conversations'):
            proto = 'udp'
        m = CONV.match(line)
        if proto and '<->' in line and not m:
            raise SystemExit('peers: %s: cannot parse tshark line: %s' % (
                path, line))
        if m and proto:
            a, ap, z, zp, fba, bba, fab, bab = m.groups()[:8]
            # tshark's "<-" columns are B to A, "->" A to B
            conv.append('conv\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' % (
                key, proto, a, ap, z, zp, fab, bytes_of(bab), fba,
                bytes_of(bba)))
    for t2 in outer_runs:
        if t2.returncode != 0:
            continue
        seen = {}
        for line in t2.stdout.splitlines():
            m = re.match(r'^(\d+)\t(.*)$', line)
            if m:
                for c in filter(None, m.group(2).split(',')):
                    seen[c] = seen.get(c, 0) + 1
        for c, n in seen.items():
            outer[c] = max(outer.get(c, 0), n)
    out = ['file\t%s\t%s\t%d' % (key, digest, frames)] + conv
    for c in sorted(inner):
        out.append('cid\t%s\t%s\t%d\tinner' % (key, c, inner[c]))
    for c in sorted(outer):
        if c not in inner:
            out.append('cid\t%s\t%s\t%d\touter' % (key, c, outer[c]))
    return out

def table(name, files, dest):
    version = run([TSHARK, '--version']).stdout.splitlines()[0]
    with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
        res = list(ex.map(lambda kp: one(*kp), files))
    tmp = dest + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# %s\n' % version)
        f.write('# peer table "%s", written by scripts/peers.sh (make peers); '
                'read by tests/capture/peers.sh\n' % name)
        f.write('# file KEY SHA256 FRAMES | conv KEY tcp|udp A PORT B PORT '
                'FRAMES_A_B BYTES_A_B FRAMES_B_A BYTES_B_A (frame bytes, '
                'rounded as tshark prints) | cid KEY COMMUNITY_ID FRAMES '
                'inner|outer | skip KEY SHA256 REASON\n')
        for r in res:
            f.write('\n'.join(r) + '\n')
    os.replace(tmp, dest)
    n = sum(1 for r in res if r[0].startswith('file'))
    print('peers: %s: %d files, %d tabled, %d skipped' % (
        dest, len(files), n, len(files) - n))

want = sys.argv[1:] or ['pcaps', 'public']
os.makedirs('tests/peers', exist_ok=True)
if 'pcaps' in want:
    files = sorted(f for f in os.listdir('pcaps')
                   if f.endswith('.pcap') or f.endswith('.pcapng'))
    table('pcaps', [('pcaps/' + f, 'pcaps/' + f) for f in files],
          'tests/peers/pcaps.tsv')
if 'public' in want:
    root = os.path.join(CORPUS, 'tcpdump')
    if not os.path.isdir(root):
        print('peers: no public corpus at %s; public.tsv left as it is' % root)
    else:
        files = sorted(f for f in os.listdir(root)
                       if re.search(r'\.(pcap|pcapng|cap|pcap\.gz|out)$', f))
        table('public', [('tcpdump/' + f, os.path.join(root, f))
                         for f in files], 'tests/peers/public.tsv')
PY
