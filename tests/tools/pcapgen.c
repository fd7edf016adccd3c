/*
 * pcapgen: writes the project's own deterministic test captures.
 *
 *   pcapgen [-e] SCENARIO OUTFILE
 *   pcapgen -l                       list the scenarios
 *
 * Every timestamp is fixed (the scenarios start at 2026-03-02T09:00:00Z),
 * every "random" byte comes from a seeded generator: the same binary writes
 * byte-identical files. With -e the generator also prints, on standard
 * output, the flows it meant to write, one line each, tab-separated:
 *
 *   name  packets(initiator->responder)  bytes  packets(back)  bytes
 *
 * where bytes are IP bytes (IPv4 total length, IPv6 payload length + 40)
 * as CONTRACT.md section 1 counts them. The tally is the intent written
 * down by hand in each scenario's comment; it is printed from the same
 * calls that write the packets so the two cannot drift apart.
 *
 * Jobs: frame IP packets for each link type and encapsulation, wrap them in
 * tunnels, keep TCP sequence numbers, and describe each scenario. Nothing is
 * sent on any network: the tool only writes files.
 */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "pcapw.h"
#include "pcapgen_proto.h"

/* 2026-03-02T09:00:00Z */
#define T0_S 1772442000ull
#define SEC(x) ((uint64_t)((x) * 1e6 + 0.5) * 1000ull + T0_S * 1000000000ull)

enum encap {
	ENC_ETH = 0,
	ENC_VLAN,
	ENC_QINQ,
	ENC_MPLS,
	ENC_PPPOE,
};

enum tun {
	TUN_NONE = 0,
	TUN_GRE,
	TUN_VXLAN,
	TUN_6IN4,
	TUN_GENEVE,
	TUN_GTPU,
};

/* How an IP packet reaches the wire. */
struct path {
	enum encap enc;
	uint16_t vid[2];	/* VLAN (and QinQ inner) IDs */
	uint32_t label[2];	/* MPLS labels, outer first */
	uint16_t session;	/* PPPoE session ID */
	enum tun tun;
	struct addr oc, os;	/* tunnel endpoints, initiator's side first */
	uint32_t key;		/* GRE key, VXLAN/Geneve VNI, GTP-U TEID */
	const char *outer;	/* tally name of the outer flow */
};

struct tally {
	char name[160];
	uint64_t pk[2], by[2];
};

enum {
	MAX_TALLY = 4096,
};

struct gen {
	struct pcapw w;
	int lt;			/* link type the frames are written as */
	unsigned null6;		/* rotates AF_INET6 values for LINKTYPE_NULL */
	int ntally;
	struct tally tally[MAX_TALLY];
	struct pkt p;
	struct pkt q;		/* scratch for fragments and quotes */
	/* Deferred frames, written sorted by time at gen_close (for the
	 * scenarios that build overlapping conversations one at a time). */
	bool defer;
	struct dframe *df;
	size_t ndf, cdf;
};

struct dframe {
	uint64_t ts;
	size_t seq;
	size_t len;
	uint8_t *data;
};

static const uint8_t mac_host[6] = { 0x02, 0x00, 0x0a, 0x01, 0x00, 0x14 };
static const uint8_t mac_gw[6] = { 0x02, 0x00, 0x0a, 0x01, 0x00, 0x01 };

static void tally_add(struct gen *g, const char *name, int dir, size_t bytes)
{
	int i;

	if (!name)
		return;
	for (i = 0; i < g->ntally; i++)
		if (strcmp(g->tally[i].name, name) == 0)
			break;
	if (i == g->ntally) {
		if (g->ntally == MAX_TALLY) {
			fprintf(stderr, "pcapgen: too many flows\n");
			exit(1);
		}
		memset(&g->tally[i], 0, sizeof(g->tally[i]));
		snprintf(g->tally[i].name, sizeof(g->tally[i].name), "%s", name);
		g->ntally++;
	}
	g->tally[i].pk[dir]++;
	g->tally[i].by[dir] += bytes;
}

static void tally_print(const struct gen *g)
{
	int i;

	for (i = 0; i < g->ntally; i++)
		printf("%s\t%llu\t%llu\t%llu\t%llu\n", g->tally[i].name,
		       (unsigned long long)g->tally[i].pk[0],
		       (unsigned long long)g->tally[i].by[0],
		       (unsigned long long)g->tally[i].pk[1],
		       (unsigned long long)g->tally[i].by[1]);
}

/* ---------------------------------------------------------------- */
/* Framing                                                           */
/* ---------------------------------------------------------------- */

static void frame_sll(struct pkt *p, int dir, uint16_t proto, int v2)
{
	const uint8_t *mac = dir ? mac_gw : mac_host;
	uint8_t *h;

	if (!v2) {
		h = pkt_push(p, 16);
		put16(h, dir ? 0 : 4);	/* to us / outgoing */
		put16(h + 2, 1);	/* ARPHRD_ETHER */
		put16(h + 4, 6);
		memcpy(h + 6, mac, 6);
		put16(h + 14, proto);
		return;
	}
	h = pkt_push(p, 20);
	put16(h, proto);
	put32(h + 4, 2);		/* interface index */
	put16(h + 8, 1);		/* ARPHRD_ETHER */
	h[10] = dir ? 0 : 4;
	h[11] = 6;
	memcpy(h + 12, mac, 6);
}

/* Puts the link-layer header of g->lt in front of the IP packet p. */
static void frame(struct gen *g, const struct path *pa, struct pkt *p, int dir)
{
	uint16_t et = pkt_ethertype(p);
	const uint8_t *src = dir ? mac_gw : mac_host;
	const uint8_t *dst = dir ? mac_host : mac_gw;
	uint16_t tags[4];
	uint8_t *h;
	int v6 = et == ET_IPV6;
	static const uint32_t af6[3] = { 24, 28, 30 };

	switch (g->lt) {
	case LT_EN10MB:
		break;
	case LT_LINUX_SLL:
	case LT_LINUX_SLL2:
		frame_sll(p, dir, et, g->lt == LT_LINUX_SLL2);
		return;
	case LT_NULL:
		/* Host byte order; AF_INET6 differs between BSDs, so the
		 * IPv6 packets rotate through 24, 28 and 30. */
		h = pkt_push(p, 4);
		{
			uint32_t af = v6 ? af6[g->null6++ % 3] : 2;

			memcpy(h, &af, 4);
		}
		return;
	case LT_LOOP:
		h = pkt_push(p, 4);
		put32(h, v6 ? 24 : 2);	/* OpenBSD values, network order */
		return;
	default:		/* RAW, IPV4, IPV6: the IP packet alone */
		return;
	}

	switch (pa ? pa->enc : ENC_ETH) {
	case ENC_ETH:
		pkt_push_eth(p, dst, src, NULL, 0, et);
		break;
	case ENC_VLAN:
		tags[0] = ET_VLAN;
		tags[1] = pa->vid[0];
		pkt_push_eth(p, dst, src, tags, 1, et);
		break;
	case ENC_QINQ:
		tags[0] = ET_QINQ;
		tags[1] = pa->vid[0];
		tags[2] = ET_VLAN;
		tags[3] = pa->vid[1];
		pkt_push_eth(p, dst, src, tags, 2, et);
		break;
	case ENC_MPLS:
		h = pkt_push(p, 8);
		put32(h, pa->label[0] << 12 | 64);
		put32(h + 4, pa->label[1] << 12 | 1 << 8 | 64);
		pkt_push_eth(p, dst, src, NULL, 0, ET_MPLS);
		break;
	case ENC_PPPOE:
		h = pkt_push(p, 2);
		put16(h, v6 ? 0x0057 : 0x0021);
		{
			uint16_t plen = (uint16_t)pkt_len(p);

			h = pkt_push(p, 6);
			h[0] = 0x11;	/* version 1, type 1 */
			h[1] = 0;	/* session data */
			put16(h + 2, pa->session);
			put16(h + 4, plen);
		}
		pkt_push_eth(p, dst, src, NULL, 0, ET_PPPOE_SESS);
		break;
	}
}

/* Wraps p (an IP packet) in the path's tunnel and counts the outer flow. */
static void tunnel_wrap(struct gen *g, const struct path *pa, struct pkt *p,
			int dir)
{
	const struct addr *s = dir ? &pa->os : &pa->oc;
	const struct addr *d = dir ? &pa->oc : &pa->os;
	uint16_t et = pkt_ethertype(p);
	const uint8_t im_a[6] = { 0x02, 0x42, 0xc0, 0xa8, 0x00, 0x0a };
	const uint8_t im_b[6] = { 0x02, 0x42, 0xc0, 0xa8, 0x00, 0x14 };
	uint8_t *h;
	size_t len;

	switch (pa->tun) {
	case TUN_NONE:
		return;
	case TUN_GRE:
		/* RFC 2890: K bit, protocol type, key. */
		h = pkt_push(p, 8);
		put16(h, 0x2000);
		put16(h + 2, et);
		put32(h + 4, pa->key);
		pkt_push_ipv4(p, s, d, 47, (uint16_t)(0x100 + g->w.packets));
		break;
	case TUN_6IN4:
		pkt_push_ipv4(p, s, d, 41, (uint16_t)(0x200 + g->w.packets));
		break;
	case TUN_VXLAN:
	case TUN_GENEVE:
		pkt_push_eth(p, dir ? im_a : im_b, dir ? im_b : im_a, NULL, 0,
			     et);
		h = pkt_push(p, 8);
		if (pa->tun == TUN_VXLAN) {
			h[0] = 0x08;	/* RFC 7348: I flag */
		} else {
			put16(h + 2, ET_TEB);	/* RFC 8926 */
		}
		put32(h + 4, pa->key << 8);
		{
			uint16_t port = pa->tun == TUN_VXLAN ? 4789 : 6081;

			pkt_push_udp(p, s, d, port, port);
		}
		pkt_push_ipv4(p, s, d, 17, (uint16_t)(0x300 + g->w.packets));
		break;
	case TUN_GTPU:
		len = pkt_len(p);
		h = pkt_push(p, 8);
		h[0] = 0x30;	/* version 1, protocol type GTP */
		h[1] = 0xff;	/* G-PDU */
		put16(h + 2, (uint16_t)len);
		put32(h + 4, pa->key);
		pkt_push_udp(p, s, d, 2152, 2152);
		pkt_push_ipv4(p, s, d, 17, (uint16_t)(0x400 + g->w.packets));
		break;
	}
	tally_add(g, pa->outer, dir, pkt_len(p));
}

/* Sends the IP packet in p along pa (NULL: plain Ethernet) at ts. */
static void emit(struct gen *g, const struct path *pa, struct pkt *p, int dir,
		 uint64_t ts)
{
	if (pa && pa->tun)
		tunnel_wrap(g, pa, p, dir);
	frame(g, pa, p, dir);
	if (!g->defer) {
		pcapw_write(&g->w, ts, pkt_data(p), pkt_len(p));
		return;
	}
	if (g->ndf == g->cdf) {
		g->cdf = g->cdf ? 2 * g->cdf : 4096;
		g->df = realloc(g->df, g->cdf * sizeof(*g->df));
		if (!g->df) {
			perror("pcapgen");
			exit(1);
		}
	}
	g->df[g->ndf].ts = ts;
	g->df[g->ndf].seq = g->ndf;
	g->df[g->ndf].len = pkt_len(p);
	g->df[g->ndf].data = malloc(pkt_len(p));
	if (!g->df[g->ndf].data) {
		perror("pcapgen");
		exit(1);
	}
	memcpy(g->df[g->ndf].data, pkt_data(p), pkt_len(p));
	g->ndf++;
}

/* ---------------------------------------------------------------- */
/* Conversations                                                     */
/* ---------------------------------------------------------------- */

struct conv {
	const char *name;	/* tally name */
	struct addr c, s;	/* initiator, responder */
	uint16_t cp, sp;
	uint8_t proto;		/* 6 or 17 */
	uint32_t seq[2];
	uint16_t ipid[2];
	const struct path *path;
	/* IPv6 extension headers in front of the transport header, per
	 * direction; ext_nh is the first one's type. Built by the caller with
	 * the last next-header field already naming the transport. */
	const uint8_t *ext[2];
	size_t extlen[2];
	uint8_t ext_nh[2];
	bool ah;		/* an AH header (RFC 4302) on every packet */
	uint32_t ah_seq[2];
};

static void conv_init(struct conv *cv, const char *name, struct addr c,
		      uint16_t cp, struct addr s, uint16_t sp, uint8_t proto)
{
	memset(cv, 0, sizeof(*cv));
	cv->name = name;
	cv->c = c;
	cv->s = s;
	cv->cp = cp;
	cv->sp = sp;
	cv->proto = proto;
	cv->seq[0] = 0x10000000u + ((uint32_t)cp << 8);
	cv->seq[1] = 0x20000000u + ((uint32_t)sp << 12);
	cv->ipid[0] = (uint16_t)(cp * 7);
	cv->ipid[1] = (uint16_t)(sp * 13);
}

/* Pushes the IP header (and extension headers) for dir, tallies, emits. */
static void conv_ip(struct gen *g, struct conv *cv, struct pkt *p, int dir,
		    uint8_t proto, uint64_t ts)
{
	const struct addr *src = dir ? &cv->s : &cv->c;
	const struct addr *dst = dir ? &cv->c : &cv->s;

	if (cv->ah) {
		uint8_t *h;

		/* RFC 4302: 12 fixed bytes and a 96-bit ICV (HMAC-SHA1-96),
		 * payload length in 32-bit words minus 2. */
		pkt_push_fill(p, 12, cv->ah_seq[dir]);
		h = pkt_push(p, 12);
		h[0] = proto;
		h[1] = 4;
		put32(h + 4, dir ? 0x2000 : 0x1000);
		put32(h + 8, ++cv->ah_seq[dir]);
		proto = 51;
	}
	if (cv->extlen[dir]) {
		pkt_push_bytes(p, cv->ext[dir], cv->extlen[dir]);
		proto = cv->ext_nh[dir];
	}
	if (src->family == 4)
		pkt_push_ipv4(p, src, dst, proto, cv->ipid[dir]++);
	else
		pkt_push_ipv6(p, src, dst, proto, cv->cp);
	tally_add(g, cv->name, dir, pkt_len(p));
	emit(g, cv->path, p, dir, ts);
}

/* One TCP segment; data may be NULL for len filler bytes. */
static void tcp_seg(struct gen *g, struct conv *cv, int dir, uint8_t flags,
		    const void *data, size_t len, uint64_t ts)
{
	struct pkt *p = &g->p;
	const struct addr *src = dir ? &cv->s : &cv->c;
	const struct addr *dst = dir ? &cv->c : &cv->s;
	uint32_t ack = (flags & 0x10) ? cv->seq[!dir] : 0;

	pkt_reset(p);
	if (data)
		pkt_push_bytes(p, data, len);
	else
		pkt_push_fill(p, len, cv->seq[dir]);
	pkt_push_tcp(p, src, dst, dir ? cv->sp : cv->cp, dir ? cv->cp : cv->sp,
		     cv->seq[dir], ack, flags, 64240, NULL, 0);
	cv->seq[dir] += (uint32_t)len + ((flags & 0x02) ? 1 : 0) +
			((flags & 0x01) ? 1 : 0);
	conv_ip(g, cv, p, dir, 6, ts);
}

/* One UDP datagram. */
static void udp_dgram(struct gen *g, struct conv *cv, int dir,
		      const void *data, size_t len, uint64_t ts)
{
	struct pkt *p = &g->p;
	const struct addr *src = dir ? &cv->s : &cv->c;
	const struct addr *dst = dir ? &cv->c : &cv->s;

	pkt_reset(p);
	if (data)
		pkt_push_bytes(p, data, len);
	else
		pkt_push_fill(p, len, (uint32_t)(cv->cp + len));
	pkt_push_udp(p, src, dst, dir ? cv->sp : cv->cp, dir ? cv->cp : cv->sp);
	conv_ip(g, cv, p, dir, 17, ts);
}

enum {
	F_FIN = 0x01,
	F_SYN = 0x02,
	F_RST = 0x04,
	F_PSH = 0x08,
	F_ACK = 0x10,
	F_PA = 0x18,
	F_FA = 0x11,
	F_SA = 0x12,
	F_RA = 0x14,
};

/* SYN, SYN-ACK, ACK at t, t+rtt, t+rtt+1 ms. */
static void tcp_open(struct gen *g, struct conv *cv, double t, double rtt)
{
	tcp_seg(g, cv, 0, F_SYN, NULL, 0, SEC(t));
	tcp_seg(g, cv, 1, F_SA, NULL, 0, SEC(t + rtt));
	tcp_seg(g, cv, 0, F_ACK, NULL, 0, SEC(t + rtt + 0.001));
}

/* FIN from the initiator, FIN-ACK back, last ACK. */
static void tcp_close(struct gen *g, struct conv *cv, double t, double rtt)
{
	tcp_seg(g, cv, 0, F_FA, NULL, 0, SEC(t));
	tcp_seg(g, cv, 1, F_FA, NULL, 0, SEC(t + rtt));
	tcp_seg(g, cv, 0, F_ACK, NULL, 0, SEC(t + rtt + 0.001));
}

/*
 * The small exchange several scenarios reuse: handshake, 100 bytes up, 400
 * (or down) bytes back, FIN both ways, final ACK. 8 packets; IPv4 IP bytes:
 * initiator 5 packets 40+40+140+40+40 = 300, responder 3 packets
 * 40+(40+down)+40 = 120 + down.
 */
static void tcp_small(struct gen *g, struct conv *cv, double t, size_t down)
{
	tcp_open(g, cv, t, 0.010);
	tcp_seg(g, cv, 0, F_PA, NULL, 100, SEC(t + 0.020));
	tcp_seg(g, cv, 1, F_PA, NULL, down, SEC(t + 0.030));
	tcp_close(g, cv, t + 0.040, 0.010);
}

/* ---------------------------------------------------------------- */
/* Addresses used across scenarios                                   */
/* ---------------------------------------------------------------- */

#define HOST4 addr4(10, 1, 0, 20)
#define HOST6 addr6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0x20)
#define RESOLVER4 addr4(10, 1, 0, 2)
#define RESOLVER6 addr6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0x2)

/* Address as inet_ntop writes it. */
static void addr_str(const struct addr *a, char *buf, size_t len)
{
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, buf,
		  (socklen_t)len);
}

static void gen_open(struct gen *g, const char *path, int lt,
		     enum pcapw_format fmt)
{
	g->lt = lt;
	g->null6 = 0;
	pcapw_open(&g->w, path, lt, fmt);
}

static int dframe_cmp(const void *a, const void *b)
{
	const struct dframe *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void gen_close(struct gen *g)
{
	if (g->ndf) {
		size_t i;

		qsort(g->df, g->ndf, sizeof(*g->df), dframe_cmp);
		for (i = 0; i < g->ndf; i++) {
			pcapw_write(&g->w, g->df[i].ts, g->df[i].data,
				    g->df[i].len);
			free(g->df[i].data);
		}
		free(g->df);
		g->df = NULL;
		g->ndf = g->cdf = 0;
	}
	g->defer = false;
	pcapw_close(&g->w);
}

#include "pcapgen_scenarios.h"
#include "pcapgen_quic.h"
#include "pcapgen_office.h"

/* ---------------------------------------------------------------- */
/* main                                                              */
/* ---------------------------------------------------------------- */

struct scenario {
	const char *name;
	void (*run)(struct gen *g, const char *out);
	const char *summary;
};

static const struct scenario scenarios[] = {
	{ "tcp-basic", sc_tcp_basic, "TCP fin, rst, unanswered SYN, mid-stream start" },
	{ "udp-dns-like", sc_udp_dns, "UDP flows, IPv6, a 61 s gap" },
	{ "vlan-qinq-mpls-pppoe", sc_l2, "one TCP exchange per L2 encapsulation" },
	{ "fragments", sc_fragments, "IPv4 and IPv6 fragments, an orphan" },
	{ "ipv6-ext", sc_ipv6_ext, "IPv6 extension headers and AH" },
	{ "icmp", sc_icmp, "ICMP and ICMPv6 echo, a port unreachable" },
	{ "tunnels", sc_tunnels, "GRE, VXLAN, 6in4, Geneve, GTP-U" },
	{ "sctp", sc_sctp, "an SCTP association" },
	{ "linktypes", sc_linktypes, "one exchange per link type (OUTFILE is a prefix)" },
	{ "timeouts", sc_timeouts, "idle and active timeouts" },
	{ "malformed", sc_malformed, "one defect per frame, a clean flow between" },
	{ "quic", sc_quic, "QUIC v1 and v2 connections, SNI split over Initials" },
	{ "office", sc_office, "two minutes of an office's egress" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pcapgen [-e] SCENARIO OUTFILE\n"
		   "       pcapgen -l\n"
		   "  -e  print the intended flows (name, packets and IP bytes "
		   "each way)\nscenarios:\n");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(f, "  %-22s %s\n", scenarios[i].name,
			scenarios[i].summary);
}

int main(int argc, char **argv)
{
	static struct gen g;
	int expect = 0;
	int opt;
	size_t i;

	while ((opt = getopt(argc, argv, "ehl")) != -1) {
		switch (opt) {
		case 'e':
			expect = 1;
			break;
		case 'l':
			for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
				printf("%s\n", scenarios[i].name);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(scenarios[i].name, argv[optind]) == 0) {
			g.lt = LT_EN10MB;
			scenarios[i].run(&g, argv[optind + 1]);
			if (expect)
				tally_print(&g);
			return 0;
		}
	}
	fprintf(stderr, "pcapgen: unknown scenario '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
