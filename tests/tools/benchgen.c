/*
 * benchgen: writes the replay benchmark's capture.
 *
 *   benchgen OUTFILE [--flows N] [--packets M] [--min-size] [--seed S]
 *
 * N flows (default 200,000) and about M packets (default 3,000,000),
 * interleaved: 8192 flows are open at a time, and each step picks one at
 * random and writes a burst of 1-4 of its packets. 70% of flows are TCP
 * (SYN, SYN-ACK, ACK, data both ways, FIN, FIN-ACK, ACK), 30% UDP; about
 * 20% are IPv6. The home end is in 10.0.0.0/8 (IPv6: fd00:10::/48), the
 * remote end in one of many real operators' prefixes, so a jurisdiction
 * engine does real look-ups. Frame sizes follow a simple IMIX, 7:4:1 of
 * 64, 576 and 1500 bytes (a packet with headers longer than 64 bytes, such
 * as IPv6 TCP, is as short as its headers allow; control segments are
 * padded to 64 like Ethernet does); --min-size makes every frame the
 * smallest. Timestamps advance 5 us per packet from 2026-03-02T09:00:00Z.
 *
 * The same arguments give the same file byte for byte. On standard output:
 * "flows N packets M bytes B" (B: frame bytes).
 *
 *   benchgen OUTFILE --syn-flood [--packets M] [--seed S]
 *
 * The bounded-memory test's capture (tests/capture/flood.sh): M packets
 * (default 300,000), 1 us apart, each opening a new flow from a random
 * public source (a fifth IPv6, in 2000::/3), none ever answered: 75%
 * single SYNs to a few home servers (10.0.0.10-13, fd00:10::10-11; ports
 * 443, 80, 22); 10% DNS answers from random resolvers to random home
 * clients, each naming a fresh random address (A or AAAA), so the DNS
 * cache fills; 10% first segments of a ClientHello split in two (no SYN
 * before, the rest never sent) to a home server's port 443, so the names
 * state holds a pending reassembly for each; 5% IPv4 first fragments
 * (UDP, more fragments to come, never sent), so the fragment table fills.
 * On standard output: "flows N packets M bytes B syn S dns D hello H
 * frag F" (each packet a new flow: N = M).
 */
#include <getopt.h>

#include "pcapgen_proto.h"

#define T0_NS (1772442000ull * 1000000000ull)

enum {
	SLOTS = 8192,
};

struct bflow {
	bool live;
	bool tcp;
	struct addr c, s;
	uint16_t cp, sp;
	uint32_t seq[2];
	uint32_t left;		/* packets still to send */
	uint32_t sent;
	uint16_t ipid;
};

/* Real operators' prefixes (a /16 or shorter each, hosts drawn inside). */
static const uint8_t pfx4[][2] = {
	{ 35, 180 }, { 52, 47 }, { 3, 120 }, { 52, 94 }, { 52, 217 },
	{ 54, 239 }, { 18, 200 }, { 20, 19 }, { 20, 74 }, { 40, 66 },
	{ 13, 107 }, { 52, 97 }, { 142, 250 }, { 172, 217 }, { 216, 58 },
	{ 34, 107 }, { 104, 16 }, { 104, 18 }, { 172, 67 }, { 1, 1 },
	{ 151, 101 }, { 23, 32 }, { 2, 16 }, { 51, 68 }, { 51, 91 },
	{ 51, 75 }, { 54, 36 }, { 51, 15 }, { 163, 172 }, { 88, 198 },
	{ 116, 202 }, { 78, 46 }, { 80, 158 }, { 84, 130 }, { 91, 0 },
	{ 217, 0 }, { 83, 166 }, { 195, 186 }, { 212, 58 }, { 81, 128 },
	{ 86, 128 }, { 60, 32 }, { 153, 128 }, { 210, 148 }, { 13, 110 },
	{ 136, 146 }, { 47, 96 }, { 47, 88 }, { 119, 28 }, { 43, 128 },
	{ 77, 88 }, { 5, 255 }, { 87, 250 }, { 200, 147 }, { 177, 71 },
	{ 185, 15 }, { 193, 99 }, { 62, 210 }, { 31, 13 }, { 157, 240 },
	{ 17, 253 }, { 140, 82 }, { 185, 199 }, { 94, 100 }, { 213, 186 },
	{ 102, 223 }, { 41, 203 }, { 103, 21 }, { 202, 12 }, { 149, 154 },
};

static const uint16_t pfx6[][2] = {
	{ 0x2a00, 0x1450 }, { 0x2a01, 0x4f8 }, { 0x2001, 0x41d0 },
	{ 0x2a01, 0x111 }, { 0x2606, 0x4700 }, { 0x2a02, 0x26f0 },
	{ 0x2a05, 0xd014 }, { 0x2406, 0xda00 }, { 0x2a03, 0x2880 },
	{ 0x2a02, 0x6b8 }, { 0x2001, 0x4860 }, { 0x2620, 0x1ec },
	{ 0x2a01, 0x7c8 }, { 0x2001, 0x1600 }, { 0x240e, 0x0 },
	{ 0x2800, 0x3f0 },
};

static const uint16_t tcp_ports[] = { 443, 443, 443, 443, 443, 80, 80, 8080,
				      22, 993, 5222, 445 };
/* UDP services without a payload parser (filler payloads would only make
 * DNS, QUIC or NTP parsers fail): media and game ports. */
static const uint16_t udp_ports[] = { 5004, 5006, 10000, 16384, 20000,
				      27015, 33434, 40000 };

struct bench {
	struct pcapw w;
	uint64_t rng;
	bool min_size;
	uint64_t ts;
	uint64_t nsize[3];
	uint64_t npk;
	struct pkt p;
	uint8_t fill[1500];
};

/*
 * Servers come from a fixed pool, the popular ones far more often (the
 * square of a uniform draw): real egress traffic talks to many fewer
 * remote addresses than it opens flows, which is what a look-up cache is
 * for. Each pool index maps to one address inside one of the prefixes.
 */
enum { SERVER_POOL = 20000 };

static uint64_t server_pick(struct bench *b)
{
	uint64_t u = rng_below(&b->rng, SERVER_POOL);

	return (u * u / SERVER_POOL) * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

static void flow_new(struct bench *b, struct bflow *f, double mean)
{
	uint32_t span;
	uint64_t sv = server_pick(b);

	memset(f, 0, sizeof(*f));
	f->live = true;
	f->tcp = rng_below(&b->rng, 10) < 7;
	if (rng_below(&b->rng, 5) == 0) {
		const uint16_t *p6 = pfx6[(sv >> 40) % (sizeof(pfx6) /
							sizeof(pfx6[0]))];
		uint64_t r = rng_next(&b->rng);

		f->c = addr6(0xfd00, 0x10, 0, (uint16_t)rng_below(&b->rng, 64),
			     0, 0, (uint16_t)(r >> 48), (uint16_t)(r >> 32));
		f->s = addr6(p6[0], p6[1], (uint16_t)sv, (uint16_t)(sv >> 16),
			     0, 0, 0, (uint16_t)(1 + (sv >> 24) % 4096));
	} else {
		const uint8_t *p4 = pfx4[(sv >> 40) % (sizeof(pfx4) /
						       sizeof(pfx4[0]))];
		uint32_t r = (uint32_t)rng_next(&b->rng);

		f->c = addr4u(0x0a000000u | (r & 0xffff00u) |
			      (1 + rng_below(&b->rng, 254)));
		f->s = addr4(p4[0], p4[1], (uint8_t)(sv >> 24),
			     (uint8_t)(1 + (sv >> 8) % 254));
	}
	f->cp = (uint16_t)(32768 + rng_below(&b->rng, 28000));
	if (f->tcp)
		f->sp = tcp_ports[rng_below(&b->rng, sizeof(tcp_ports) /
						     sizeof(tcp_ports[0]))];
	else
		f->sp = udp_ports[rng_below(&b->rng, sizeof(udp_ports) /
						     sizeof(udp_ports[0]))];
	f->seq[0] = (uint32_t)rng_next(&b->rng);
	f->seq[1] = (uint32_t)rng_next(&b->rng);
	/* Uniform around the mean; TCP needs at least 7 packets. */
	span = (uint32_t)(2 * mean);
	if (f->tcp)
		f->left = span > 8 ? 7 + rng_below(&b->rng, span - 13) : 7;
	else
		f->left = span > 2 ? 1 + rng_below(&b->rng, span - 1) : 1;
}

/* IMIX class (0: 64, 1: 576, 2: 1500) furthest below its 7:4:1 share. */
static int imix_class(struct bench *b)
{
	static const double share[3] = { 7.0 / 12, 4.0 / 12, 1.0 / 12 };
	double total = (double)(b->nsize[0] + b->nsize[1] + b->nsize[2] + 1);
	double best = -1e18;
	int i, k = 0;

	if (b->min_size)
		return 0;
	for (i = 0; i < 3; i++) {
		double d = share[i] * total - (double)b->nsize[i] +
			   (double)rng_below(&b->rng, 100) / 100.0;

		if (d > best) {
			best = d;
			k = i;
		}
	}
	return k;
}

static void send_pkt(struct bench *b, struct bflow *f, int dir, uint8_t flags,
		     bool data)
{
	static const size_t frame_len[3] = { 64, 576, 1500 };
	static const uint8_t mac_a[6] = { 0x02, 0, 0x0a, 0, 0, 1 };
	static const uint8_t mac_b[6] = { 0x02, 0, 0x0a, 0, 0, 2 };
	struct pkt *p = &b->p;
	const struct addr *src = dir ? &f->s : &f->c;
	const struct addr *dst = dir ? &f->c : &f->s;
	size_t hdr = 14 + (src->family == 4 ? 20 : 40) + (f->tcp ? 20 : 8);
	size_t pay = 0, pad = 0;
	int k = 0;

	if (data) {
		size_t want;

		k = imix_class(b);
		want = frame_len[k];
		pay = want > hdr ? want - hdr : 0;
		if (!f->tcp && pay == 0)
			pay = 1;
	} else if (hdr < 64) {
		pad = 64 - hdr;
	}
	b->nsize[k]++;

	pkt_reset(p);
	pkt_push_bytes(p, b->fill, pay);
	if (f->tcp) {
		uint32_t ack = (flags & 0x10) ? f->seq[!dir] : 0;

		pkt_push_tcp(p, src, dst, dir ? f->sp : f->cp,
			     dir ? f->cp : f->sp, f->seq[dir], ack, flags,
			     64240, NULL, 0);
		f->seq[dir] += (uint32_t)pay + ((flags & 0x03) ? 1 : 0);
	} else {
		pkt_push_udp(p, src, dst, dir ? f->sp : f->cp,
			     dir ? f->cp : f->sp);
	}
	if (src->family == 4)
		pkt_push_ipv4(p, src, dst, f->tcp ? 6 : 17, f->ipid++);
	else
		pkt_push_ipv6(p, src, dst, f->tcp ? 6 : 17, 0);
	pkt_push_eth(p, dir ? mac_a : mac_b, dir ? mac_b : mac_a, NULL, 0,
		     pkt_ethertype(p));
	if (pad) {
		/* Ethernet padding after the IP packet, as on the wire. */
		uint8_t frame[64];

		memcpy(frame, pkt_data(p), pkt_len(p));
		memset(frame + pkt_len(p), 0, pad);
		pcapw_write(&b->w, b->ts, frame, pkt_len(p) + pad);
	} else {
		pcapw_write(&b->w, b->ts, pkt_data(p), pkt_len(p));
	}
	b->ts += 5000;
	b->npk++;
}

/* The flow's next packet; returns false when the flow is over. */
static bool flow_step(struct bench *b, struct bflow *f)
{
	uint32_t n = f->sent++;

	f->left--;
	if (!f->tcp) {
		send_pkt(b, f, (int)(n & 1), 0, true);
		return f->left > 0;
	}
	switch (n) {
	case 0:
		send_pkt(b, f, 0, 0x02, false);
		break;
	case 1:
		send_pkt(b, f, 1, 0x12, false);
		break;
	case 2:
		send_pkt(b, f, 0, 0x10, false);
		break;
	default:
		if (f->left == 2)
			send_pkt(b, f, 0, 0x11, false);
		else if (f->left == 1)
			send_pkt(b, f, 1, 0x11, false);
		else if (f->left == 0)
			send_pkt(b, f, 0, 0x10, false);
		else	/* data, mostly from the responder */
			send_pkt(b, f, rng_below(&b->rng, 3) ? 1 : 0, 0x18,
				 true);
		break;
	}
	return f->left > 0;
}

/* A random public address: IPv4 outside 0/8, 10/8, 100.64/10, 127/8,
 * 169.254/16, 172.16/12, 192.168/16 and 224/3; IPv6 in 2000::/3. */
static struct addr flood_public(uint64_t *rng, bool v6)
{
	uint64_t r = rng_next(rng);

	if (v6) {
		uint64_t r2 = rng_next(rng);

		return addr6((uint16_t)(0x2000 | ((r >> 48) & 0x1fff)),
			     (uint16_t)(r >> 32), (uint16_t)(r >> 16),
			     (uint16_t)r, (uint16_t)(r2 >> 48),
			     (uint16_t)(r2 >> 32), (uint16_t)(r2 >> 16),
			     (uint16_t)(r2 | 1));
	}
	for (;;) {
		uint32_t a = (uint32_t)r;
		uint8_t o0 = (uint8_t)(a >> 24), o1 = (uint8_t)(a >> 16);

		if (!(o0 == 0 || o0 == 10 || o0 == 127 || o0 >= 224 ||
		      (o0 == 100 && (o1 & 0xc0) == 64) ||
		      (o0 == 169 && o1 == 254) ||
		      (o0 == 172 && (o1 & 0xf0) == 16) ||
		      (o0 == 192 && o1 == 168)))
			return addr4u(a);
		r = rng_next(rng);
	}
}

static void flood_write(struct bench *b)
{
	static const uint8_t mac_a[6] = { 0x02, 0, 0x0a, 0, 0, 1 };
	static const uint8_t mac_b[6] = { 0x02, 0, 0x0a, 0, 0, 2 };
	struct pkt *p = &b->p;

	pkt_push_eth(p, mac_a, mac_b, NULL, 0, pkt_ethertype(p));
	if (pkt_len(p) < 64) {
		uint8_t frame[64];
		size_t n = pkt_len(p);

		memcpy(frame, pkt_data(p), n);
		memset(frame + n, 0, 64 - n);
		pcapw_write(&b->w, b->ts, frame, 64);
	} else {
		pcapw_write(&b->w, b->ts, pkt_data(p), pkt_len(p));
	}
	b->ts += 1000;
	b->npk++;
}

static int flood(struct bench *b, const char *path, unsigned long long n)
{
	static const uint16_t syn_ports[] = { 443, 443, 80, 22 };
	uint64_t nsyn = 0, ndns = 0, nhello = 0, nfrag = 0;
	uint8_t msg[1024];
	unsigned long long i;

	pcapw_open(&b->w, path, LT_EN10MB, PCAPW_PCAP);
	for (i = 0; i < n; i++) {
		uint32_t kind = rng_below(&b->rng, 20);
		bool v6 = rng_below(&b->rng, 5) == 0;
		struct addr src = flood_public(&b->rng, v6);
		struct addr home;
		uint16_t sport = (uint16_t)(1024 + rng_below(&b->rng, 64000));
		uint16_t ipid = (uint16_t)rng_next(&b->rng);
		uint32_t seq = (uint32_t)rng_next(&b->rng);
		uint32_t h = rng_below(&b->rng, 4);
		size_t len;

		if (kind == 19 && v6) {	/* fragments: IPv4 only */
			v6 = false;
			src = flood_public(&b->rng, false);
		}
		if (kind < 15 || kind >= 17)	/* a home server */
			home = v6 ? addr6(0xfd00, 0x10, 0, 0, 0, 0, 0,
					  (uint16_t)(0x10 + (h & 1)))
				  : addr4(10, 0, 0, (uint8_t)(10 + h));
		else	/* DNS: a home client */
			home = v6 ? addr6(0xfd00, 0x10, 0,
					  (uint16_t)rng_below(&b->rng, 64), 0,
					  0, (uint16_t)rng_next(&b->rng),
					  (uint16_t)rng_next(&b->rng))
				  : addr4u(0x0a010000u |
					   (rng_below(&b->rng, 0xfffe) + 1));
		pkt_reset(&b->p);
		if (kind < 15) {	/* SYN */
			pkt_push_tcp(&b->p, &src, &home, sport,
				     syn_ports[rng_below(&b->rng, 4)], seq, 0,
				     0x02, 64240, NULL, 0);
			pkt_push_ip(&b->p, &src, &home, 6, ipid);
			nsyn++;
		} else if (kind < 17) {	/* DNS answer */
			struct addr a = flood_public(&b->rng, v6);
			char name[64];

			snprintf(name, sizeof(name), "h%08x.flood.example",
				 (unsigned)rng_next(&b->rng));
			len = dns_answer(msg, sizeof(msg), (uint16_t)ipid, name,
					 v6 ? DNS_AAAA : DNS_A, NULL, 0, &a, 1);
			pkt_push_bytes(&b->p, msg, len);
			pkt_push_udp(&b->p, &src, &home, 53, sport);
			pkt_push_ip(&b->p, &src, &home, 17, ipid);
			ndns++;
		} else if (kind < 19) {	/* ClientHello, first half */
			char sni[64];

			snprintf(sni, sizeof(sni), "c%08x.flood.example",
				 (unsigned)rng_next(&b->rng));
			len = tls_client_hello(msg, sizeof(msg), sni, "h2",
					       "http/1.1", seq);
			pkt_push_bytes(&b->p, msg, len / 2);
			pkt_push_tcp(&b->p, &src, &home, sport, 443, seq + 1,
				     (uint32_t)rng_next(&b->rng), 0x18, 64240,
				     NULL, 0);
			pkt_push_ip(&b->p, &src, &home, 6, ipid);
			nhello++;
		} else {	/* IPv4 first fragment of a 1,000-byte datagram */
			pkt_push_fill(&b->p, 192, seq);
			pkt_push_udp(&b->p, &src, &home, sport, 4500);
			/* The UDP length names the whole datagram. */
			put16(pkt_data(&b->p) + 4, 1000);
			put16(pkt_data(&b->p) + 6, 0);
			pkt_push_ipv4x(&b->p, &src, &home, 17, ipid, 0x2000, 64,
				       NULL, 0);
			nfrag++;
		}
		flood_write(b);
	}
	pcapw_close(&b->w);
	printf("flows %llu packets %llu bytes %llu syn %llu dns %llu "
	       "hello %llu frag %llu\n", n, (unsigned long long)b->npk,
	       (unsigned long long)b->w.bytes, (unsigned long long)nsyn,
	       (unsigned long long)ndns, (unsigned long long)nhello,
	       (unsigned long long)nfrag);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: benchgen OUTFILE [--flows N] [--packets M] "
		   "[--min-size] [--seed S]\n"
		   "       benchgen OUTFILE --syn-flood [--packets M] "
		   "[--seed S]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flows", required_argument, NULL, 'f' },
		{ "packets", required_argument, NULL, 'p' },
		{ "min-size", no_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "syn-flood", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench b;
	static struct bflow slot[SLOTS];
	unsigned long long nflows = 200000, npackets = 3000000, seed = 1;
	unsigned long long started = 0;
	bool syn_flood = false, packets_given = false;
	size_t live = 0, i;
	double mean;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			nflows = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			npackets = strtoull(optarg, NULL, 0);
			packets_given = true;
			break;
		case 'm':
			b.min_size = true;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'F':
			syn_flood = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (syn_flood && argc - optind == 1 && !b.min_size) {
		b.rng = seed * 0x2545f4914f6cdd1dull + 1;
		b.ts = T0_NS;
		return flood(&b, argv[optind],
			     packets_given ? npackets : 300000);
	}
	if (argc - optind != 1 || nflows == 0 || npackets < nflows) {
		usage(stderr);
		return 2;
	}
	mean = (double)npackets / (double)nflows;
	b.rng = seed * 0x2545f4914f6cdd1dull + 1;
	b.ts = T0_NS;
	for (i = 0; i < sizeof(b.fill); i++)
		b.fill[i] = (uint8_t)(i * 131 + (i >> 3));
	pcapw_open(&b.w, argv[optind], LT_EN10MB, PCAPW_PCAP);

	while (started < nflows || live > 0) {
		struct bflow *f = &slot[rng_below(&b.rng, SLOTS)];
		uint32_t burst;

		if (!f->live) {
			if (started == nflows)
				continue;
			flow_new(&b, f, mean);
			started++;
			live++;
		}
		for (burst = 1 + rng_below(&b.rng, 4); burst > 0; burst--) {
			if (!flow_step(&b, f)) {
				f->live = false;
				live--;
				break;
			}
		}
	}
	pcapw_close(&b.w);
	printf("flows %llu packets %llu bytes %llu\n", started,
	       (unsigned long long)b.npk, (unsigned long long)b.w.bytes);
	return 0;
}
