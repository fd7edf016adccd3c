/*
 * pcapw.h: a small capture writer and packet builder for the test tools.
 *
 * Jobs:
 *   - write classic pcap (microsecond or nanosecond magic) and pcapng
 *     (SHB, IDB with optional if_tsresol, EPB) in host byte order;
 *   - build packets from the inside out: a struct pkt has its data at the
 *     END of a buffer and each pkt_push_*() prepends one header, so a
 *     tunnel's inner packet simply becomes the outer packet's payload;
 *   - compute the IPv4 header checksum and the TCP/UDP/ICMPv6/SCTP
 *     checksums (pseudo-header per RFC 793, 768, 8200 section 8.1; CRC32c
 *     for SCTP per RFC 9260 appendix A).
 *
 * Everything is static inline so that each tool stays one .c file and an
 * unused helper draws no warning. Nothing here touches the network: the
 * tools only write files.
 */
#ifndef BERGERIE_PCAPW_H
#define BERGERIE_PCAPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	PKT_CAP = 70000,	/* one IPv4 datagram plus every header we add */
};

/* Link types (https://www.tcpdump.org/linktypes.html). */
enum {
	LT_NULL = 0,
	LT_EN10MB = 1,
	LT_RAW = 101,
	LT_LOOP = 108,
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,
};

/* EtherTypes. */
enum {
	ET_IPV4 = 0x0800,
	ET_ARP = 0x0806,
	ET_VLAN = 0x8100,
	ET_QINQ = 0x88a8,
	ET_IPV6 = 0x86dd,
	ET_MPLS = 0x8847,
	ET_PPPOE_SESS = 0x8864,
	ET_TEB = 0x6558,	/* transparent Ethernet bridging (GRE, NVGRE) */
};

/* ---------------------------------------------------------------- */
/* Byte helpers                                                      */
/* ---------------------------------------------------------------- */

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* ---------------------------------------------------------------- */
/* Checksums                                                         */
/* ---------------------------------------------------------------- */

/* One's-complement sum of a buffer, folded later (RFC 1071). */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* CRC32c (Castagnoli), reflected, as SCTP uses it (RFC 9260 appendix A). */
static inline uint32_t crc32c(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* ---------------------------------------------------------------- */
/* Addresses                                                         */
/* ---------------------------------------------------------------- */

/* An address of either family: IPv4 in the first 4 bytes. */
struct addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t b[16];
};

static inline struct addr addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr r;

	memset(&r, 0, sizeof(r));
	r.family = 4;
	r.b[0] = a;
	r.b[1] = b;
	r.b[2] = c;
	r.b[3] = d;
	return r;
}

static inline struct addr addr4u(uint32_t v)
{
	return addr4((uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
		     (uint8_t)v);
}

/* IPv6 from eight 16-bit groups. */
static inline struct addr addr6(uint16_t g0, uint16_t g1, uint16_t g2,
				uint16_t g3, uint16_t g4, uint16_t g5,
				uint16_t g6, uint16_t g7)
{
	struct addr r;
	const uint16_t g[8] = { g0, g1, g2, g3, g4, g5, g6, g7 };
	int i;

	memset(&r, 0, sizeof(r));
	r.family = 6;
	for (i = 0; i < 8; i++)
		put16(r.b + 2 * i, g[i]);
	return r;
}

/* ---------------------------------------------------------------- */
/* Packet builder: data grows towards the front of the buffer        */
/* ---------------------------------------------------------------- */

struct pkt {
	size_t off;		/* data is buf[off .. PKT_CAP) */
	uint8_t buf[PKT_CAP];
};

static inline void pkt_reset(struct pkt *p)
{
	p->off = PKT_CAP;
}

static inline uint8_t *pkt_data(struct pkt *p)
{
	return p->buf + p->off;
}

static inline size_t pkt_len(const struct pkt *p)
{
	return PKT_CAP - p->off;
}

/* Room for n more bytes in front; aborts on overflow (a tool bug). */
static inline uint8_t *pkt_push(struct pkt *p, size_t n)
{
	if (n > p->off) {
		fprintf(stderr, "pcapw: packet too large\n");
		abort();
	}
	p->off -= n;
	memset(p->buf + p->off, 0, n);
	return p->buf + p->off;
}

static inline void pkt_push_bytes(struct pkt *p, const void *d, size_t n)
{
	uint8_t *q = pkt_push(p, n);

	if (n)
		memcpy(q, d, n);
}

/* n bytes of deterministic filler (a repeating pattern keyed by seed). */
static inline void pkt_push_fill(struct pkt *p, size_t n, uint32_t seed)
{
	uint8_t *q = pkt_push(p, n);
	size_t i;

	for (i = 0; i < n; i++)
		q[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* Pseudo-header sum for TCP/UDP/ICMPv6 over IPv4 or IPv6. */
static inline uint32_t pseudo_sum(const struct addr *s, const struct addr *d,
				  uint8_t proto, size_t l4len)
{
	uint32_t sum = 0;
	size_t alen = s->family == 4 ? 4 : 16;

	sum = csum_add(sum, s->b, alen);
	sum = csum_add(sum, d->b, alen);
	sum += proto;
	sum += (uint32_t)(l4len & 0xffff) + (uint32_t)(l4len >> 16);
	return sum;
}

/* TCP header (20 bytes, or more with opts) with a correct checksum. */
static inline void pkt_push_tcp(struct pkt *p, const struct addr *s,
				const struct addr *d, uint16_t sport,
				uint16_t dport, uint32_t seq, uint32_t ack,
				uint8_t flags, uint16_t win,
				const uint8_t *opts, size_t optlen)
{
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);
	uint8_t *h = pkt_push(p, hl);

	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, ack);
	h[12] = (uint8_t)((hl / 4) << 4);
	h[13] = flags;
	put16(h + 14, win);
	if (optlen)
		memcpy(h + 20, opts, optlen);
	put16(h + 16, csum_fold(csum_add(pseudo_sum(s, d, 6, pkt_len(p)),
					 h, pkt_len(p))));
}

static inline void pkt_push_udp(struct pkt *p, const struct addr *s,
				const struct addr *d, uint16_t sport,
				uint16_t dport)
{
	uint8_t *h = pkt_push(p, 8);
	uint16_t c;

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (uint16_t)pkt_len(p));
	c = csum_fold(csum_add(pseudo_sum(s, d, 17, pkt_len(p)), h, pkt_len(p)));
	put16(h + 6, c ? c : 0xffff);	/* RFC 768: 0 means "no checksum" */
}

/* ICMP (IPv4): checksum over the message only. */
static inline void pkt_push_icmp(struct pkt *p, uint8_t type, uint8_t code,
				 uint32_t rest)
{
	uint8_t *h = pkt_push(p, 8);

	h[0] = type;
	h[1] = code;
	put32(h + 4, rest);
	put16(h + 2, csum_fold(csum_add(0, h, pkt_len(p))));
}

/* ICMPv6: checksum includes the pseudo-header (RFC 4443 2.3). */
static inline void pkt_push_icmp6(struct pkt *p, const struct addr *s,
				  const struct addr *d, uint8_t type,
				  uint8_t code, uint32_t rest)
{
	uint8_t *h = pkt_push(p, 8);

	h[0] = type;
	h[1] = code;
	put32(h + 4, rest);
	put16(h + 2, csum_fold(csum_add(pseudo_sum(s, d, 58, pkt_len(p)),
					h, pkt_len(p))));
}

/* SCTP common header; chunks are already in the packet. */
static inline void pkt_push_sctp(struct pkt *p, uint16_t sport, uint16_t dport,
				 uint32_t vtag)
{
	uint8_t *h = pkt_push(p, 12);
	uint32_t c;

	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, vtag);
	c = crc32c(h, pkt_len(p));
	/* The CRC goes in little-endian byte order (RFC 9260 appendix A). */
	h[8] = (uint8_t)c;
	h[9] = (uint8_t)(c >> 8);
	h[10] = (uint8_t)(c >> 16);
	h[11] = (uint8_t)(c >> 24);
}

/*
 * IPv4 header. frag is the 16-bit flags+offset field (0x4000 = DF,
 * 0x2000 = MF, low 13 bits the offset in 8-byte units). opts is padded to a
 * multiple of 4. A total_len of 0 means "the real length".
 */
static inline void pkt_push_ipv4x(struct pkt *p, const struct addr *s,
				  const struct addr *d, uint8_t proto,
				  uint16_t id, uint16_t frag, uint8_t ttl,
				  const uint8_t *opts, size_t optlen)
{
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);
	uint8_t *h = pkt_push(p, hl);

	h[0] = (uint8_t)(0x40 | (hl / 4));
	put16(h + 2, (uint16_t)pkt_len(p));
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, s->b, 4);
	memcpy(h + 16, d->b, 4);
	if (optlen)
		memcpy(h + 20, opts, optlen);
	put16(h + 10, csum_fold(csum_add(0, h, hl)));
}

static inline void pkt_push_ipv4(struct pkt *p, const struct addr *s,
				 const struct addr *d, uint8_t proto,
				 uint16_t id)
{
	pkt_push_ipv4x(p, s, d, proto, id, 0x4000, 64, NULL, 0);
}

static inline void pkt_push_ipv6(struct pkt *p, const struct addr *s,
				 const struct addr *d, uint8_t nexthdr,
				 uint32_t flowlabel)
{
	size_t plen = pkt_len(p);
	uint8_t *h = pkt_push(p, 40);

	put32(h, 0x60000000u | (flowlabel & 0xfffff));
	put16(h + 4, (uint16_t)plen);
	h[6] = nexthdr;
	h[7] = 64;
	memcpy(h + 8, s->b, 16);
	memcpy(h + 24, d->b, 16);
}

/* IP header of the address family, no options. */
static inline void pkt_push_ip(struct pkt *p, const struct addr *s,
			       const struct addr *d, uint8_t proto, uint16_t id)
{
	if (s->family == 4)
		pkt_push_ipv4(p, s, d, proto, id);
	else
		pkt_push_ipv6(p, s, d, proto, id);
}

/* Transport header of proto (6 or 17) for either family. */
static inline void pkt_push_l4(struct pkt *p, uint8_t proto,
			       const struct addr *s, const struct addr *d,
			       uint16_t sport, uint16_t dport, uint32_t seq,
			       uint32_t ack, uint8_t flags)
{
	if (proto == 6)
		pkt_push_tcp(p, s, d, sport, dport, seq, ack, flags, 64240,
			     NULL, 0);
	else
		pkt_push_udp(p, s, d, sport, dport);
}

/*
 * Ethernet header with up to two tags: tags[] holds (TPID, TCI) pairs,
 * outermost first.
 */
static inline void pkt_push_eth(struct pkt *p, const uint8_t dst[6],
				const uint8_t src[6], const uint16_t *tags,
				int ntags, uint16_t ethertype)
{
	uint8_t *h = pkt_push(p, 14 + 4 * (size_t)ntags);
	int i;

	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	for (i = 0; i < ntags; i++) {
		put16(h + 12 + 4 * i, tags[2 * i]);
		put16(h + 14 + 4 * i, tags[2 * i + 1]);
	}
	put16(h + 12 + 4 * ntags, ethertype);
}

/* The EtherType of the IP packet now at the front of p. */
static inline uint16_t pkt_ethertype(struct pkt *p)
{
	return (pkt_data(p)[0] >> 4) == 6 ? ET_IPV6 : ET_IPV4;
}

/* ---------------------------------------------------------------- */
/* Capture file writer                                               */
/* ---------------------------------------------------------------- */

enum pcapw_format {
	PCAPW_PCAP = 0,		/* classic, microsecond magic */
	PCAPW_PCAP_NS,		/* classic, nanosecond magic 0xa1b23c4d */
	PCAPW_PCAPNG,		/* pcapng, default microsecond resolution */
	PCAPW_PCAPNG_NS,	/* pcapng, if_tsresol = 9 (nanoseconds) */
};

struct pcapw {
	FILE *f;
	enum pcapw_format fmt;
	int linktype;
	uint64_t packets;
	uint64_t bytes;
	char *iobuf;
};

static inline void pcapw_put(struct pcapw *w, const void *d, size_t n)
{
	if (n && fwrite(d, 1, n, w->f) != n) {
		perror("pcapw: write");
		exit(1);
	}
}

static inline void pcapw_put32(struct pcapw *w, uint32_t v)
{
	pcapw_put(w, &v, 4);
}

static inline void pcapw_put16(struct pcapw *w, uint16_t v)
{
	pcapw_put(w, &v, 2);
}

/* Opens path for writing; exits with a message on failure. */
static inline void pcapw_open(struct pcapw *w, const char *path, int linktype,
			      enum pcapw_format fmt)
{
	static const size_t iosz = 4u << 20;

	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->linktype = linktype;
	w->f = fopen(path, "wb");
	if (!w->f) {
		perror(path);
		exit(1);
	}
	w->iobuf = malloc(iosz);
	if (w->iobuf)
		setvbuf(w->f, w->iobuf, _IOFBF, iosz);

	if (fmt == PCAPW_PCAP || fmt == PCAPW_PCAP_NS) {
		pcapw_put32(w, fmt == PCAPW_PCAP ? 0xa1b2c3d4u : 0xa1b23c4du);
		pcapw_put16(w, 2);
		pcapw_put16(w, 4);
		pcapw_put32(w, 0);		/* thiszone */
		pcapw_put32(w, 0);		/* sigfigs */
		pcapw_put32(w, 262144);	/* snaplen */
		pcapw_put32(w, (uint32_t)linktype);
		return;
	}

	/* Section Header Block, no options. */
	pcapw_put32(w, 0x0a0d0d0a);
	pcapw_put32(w, 28);
	pcapw_put32(w, 0x1a2b3c4d);
	pcapw_put16(w, 1);
	pcapw_put16(w, 0);
	pcapw_put32(w, 0xffffffffu);	/* section length unknown */
	pcapw_put32(w, 0xffffffffu);
	pcapw_put32(w, 28);

	/* Interface Description Block; if_tsresol (option 9) when ns. */
	if (fmt == PCAPW_PCAPNG_NS) {
		uint8_t opt[4] = { 9, 0, 0, 0 };

		pcapw_put32(w, 1);
		pcapw_put32(w, 32);
		pcapw_put16(w, (uint16_t)linktype);
		pcapw_put16(w, 0);
		pcapw_put32(w, 262144);
		pcapw_put16(w, 9);		/* if_tsresol */
		pcapw_put16(w, 1);		/* length 1 */
		opt[0] = 9;			/* 10^-9 */
		pcapw_put(w, opt, 4);		/* value + 3 padding */
		pcapw_put32(w, 0);		/* opt_endofopt */
		pcapw_put32(w, 32);
	} else {
		pcapw_put32(w, 1);
		pcapw_put32(w, 20);
		pcapw_put16(w, (uint16_t)linktype);
		pcapw_put16(w, 0);
		pcapw_put32(w, 262144);
		pcapw_put32(w, 20);
	}
}

/* Writes one frame with a timestamp in nanoseconds since the epoch. */
static inline void pcapw_write(struct pcapw *w, uint64_t ts_ns,
			       const void *data, size_t len)
{
	static const uint8_t zero[4];

	w->packets++;
	w->bytes += len;
	if (w->fmt == PCAPW_PCAP || w->fmt == PCAPW_PCAP_NS) {
		uint32_t sub = (uint32_t)(ts_ns % 1000000000u);

		if (w->fmt == PCAPW_PCAP)
			sub /= 1000;
		pcapw_put32(w, (uint32_t)(ts_ns / 1000000000u));
		pcapw_put32(w, sub);
		pcapw_put32(w, (uint32_t)len);
		pcapw_put32(w, (uint32_t)len);
		pcapw_put(w, data, len);
		return;
	}

	{
		uint64_t t = w->fmt == PCAPW_PCAPNG_NS ? ts_ns : ts_ns / 1000;
		size_t pad = (4 - (len & 3)) & 3;
		uint32_t blen = (uint32_t)(32 + len + pad);

		pcapw_put32(w, 6);		/* Enhanced Packet Block */
		pcapw_put32(w, blen);
		pcapw_put32(w, 0);		/* interface 0 */
		pcapw_put32(w, (uint32_t)(t >> 32));
		pcapw_put32(w, (uint32_t)t);
		pcapw_put32(w, (uint32_t)len);
		pcapw_put32(w, (uint32_t)len);
		pcapw_put(w, data, len);
		pcapw_put(w, zero, pad);
		pcapw_put32(w, blen);
	}
}

static inline void pcapw_close(struct pcapw *w)
{
	if (fclose(w->f) != 0) {
		perror("pcapw: close");
		exit(1);
	}
	free(w->iobuf);
	w->f = NULL;
	w->iobuf = NULL;
}

/* ---------------------------------------------------------------- */
/* Deterministic generator (splitmix64)                               */
/* ---------------------------------------------------------------- */

static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((rng_next(s) >> 32) * n >> 32);
}

#endif
