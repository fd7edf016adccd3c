# shellcheck shell=bash disable=SC2034,SC2154
# Sourced by the capture tests that need a network namespace of their own
# (CONTRACT.md section 9): creates it with a veth pair va <-> vb inside,
# IPv6 off so the kernel adds no packets of its own, and skips with exit 77
# and a message where namespaces or veth are not permitted. Frames sent out
# of vb arrive on va and never leave the namespace.
#   netns_setup           creates $ns with va and vb up
#   netns_veth            (re)creates the pair, e.g. after ip link del
#   netns_send PORT N     N UDP datagrams 10.200.0.2:40000 -> 10.200.0.1:PORT out of vb
#   cpu_ticks PID         user + system clock ticks the process used
# The caller sets tmp (a private folder) before calling netns_setup.
ns=bergerie-test-$$
netns_made=

netns_cleanup() {
	[ -n "$netns_made" ] && ip netns del "$ns" 2>/dev/null
	netns_made=
}

netns_veth() {
	ip -n "$ns" link add va type veth peer name vb 2>"$tmp/netns.err" || return 1
	ip -n "$ns" link set va up && ip -n "$ns" link set vb up
}

netns_setup() {
	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
		echo "skipped: network namespaces need root and iproute2"
		exit 77
	fi
	if ! ip netns add "$ns" 2>"$tmp/netns.err"; then
		echo "skipped: network namespaces not permitted here ($(head -n 1 "$tmp/netns.err"))"
		exit 77
	fi
	netns_made=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
	if ! netns_veth; then
		echo "skipped: veth not permitted here ($(head -n 1 "$tmp/netns.err"))"
		netns_cleanup
		exit 77
	fi
}

netns_send() {	# port count
	ip netns exec "$ns" /usr/bin/python3 - "$1" "$2" <<'PY'
import socket, struct, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("vb", 0))
for i in range(count):
    payload = b"bergerie netns test %d" % i
    udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     socket.inet_aton("10.200.0.2"), socket.inet_aton("10.200.0.1"))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("020000000001" "020000000002" "0800")
    s.send(eth + ip + udp)
    time.sleep(0.01)
PY
}

cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
