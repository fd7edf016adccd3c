/*
 * pcapgen_proto.h: application payloads for pcapgen (DNS messages, TLS
 * ClientHello/ServerHello and record streams, HTTP/1.1), built byte by byte
 * with correct lengths so that tshark dissects them without complaint.
 *
 * References: DNS RFC 1035 (4.1, 4.1.4 compression); TLS 1.3 RFC 8446
 * (4.1.2 ClientHello, 4.2 extensions), SNI RFC 6066 section 3, ALPN
 * RFC 7301. Static inline, for the one-file test tools.
 */
#ifndef BERGERIE_PCAPGEN_PROTO_H
#define BERGERIE_PCAPGEN_PROTO_H

#include "pcapw.h"

/* A bounded byte sink: writes past cap are a tool bug and abort. */
struct bb {
	uint8_t *b;
	size_t n, cap;
};

static inline void bb_init(struct bb *o, uint8_t *buf, size_t cap)
{
	o->b = buf;
	o->n = 0;
	o->cap = cap;
}

static inline uint8_t *bb_room(struct bb *o, size_t n)
{
	uint8_t *p;

	if (o->n + n > o->cap) {
		fprintf(stderr, "pcapgen: payload buffer too small\n");
		abort();
	}
	p = o->b + o->n;
	o->n += n;
	return p;
}

static inline void bb_u8(struct bb *o, uint8_t v)
{
	*bb_room(o, 1) = v;
}

static inline void bb_u16(struct bb *o, uint16_t v)
{
	put16(bb_room(o, 2), v);
}

static inline void bb_u32(struct bb *o, uint32_t v)
{
	put32(bb_room(o, 4), v);
}

static inline void bb_mem(struct bb *o, const void *d, size_t n)
{
	memcpy(bb_room(o, n), d, n);
}

static inline void bb_fill(struct bb *o, size_t n, uint32_t seed)
{
	uint8_t *p = bb_room(o, n);
	uint64_t s = seed;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((i & 7) == 0)
			s = rng_next(&s);
		p[i] = (uint8_t)(s >> (8 * (i & 7)));
	}
}

/* Reserves a length field of w bytes (2 or 3); bb_patch fills it later. */
static inline size_t bb_mark(struct bb *o, int w)
{
	size_t at = o->n;

	bb_room(o, (size_t)w);
	return at;
}

static inline void bb_patch(struct bb *o, size_t at, int w)
{
	size_t len = o->n - at - (size_t)w;

	if (w == 3)
		put24(o->b + at, (uint32_t)len);
	else
		put16(o->b + at, (uint16_t)len);
}

/* ---------------------------------------------------------------- */
/* DNS                                                               */
/* ---------------------------------------------------------------- */

enum {
	DNS_A = 1,
	DNS_CNAME = 5,
	DNS_AAAA = 28,
};

/* Writes a name as labels ("www.example.com" -> 3www7example3com0). */
static inline void dns_put_name(struct bb *o, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		bb_u8(o, (uint8_t)l);
		bb_mem(o, name, l);
		name += l;
		if (*name == '.')
			name++;
	}
	bb_u8(o, 0);
}

static inline void dns_header(struct bb *o, uint16_t id, uint16_t flags,
			      uint16_t an)
{
	bb_u16(o, id);
	bb_u16(o, flags);
	bb_u16(o, 1);	/* QDCOUNT */
	bb_u16(o, an);
	bb_u16(o, 0);
	bb_u16(o, 0);
}

/* A standard recursive query; returns its length. */
static inline size_t dns_query(uint8_t *out, size_t cap, uint16_t id,
			       const char *name, uint16_t qtype)
{
	struct bb o;

	bb_init(&o, out, cap);
	dns_header(&o, id, 0x0100, 0);
	dns_put_name(&o, name);
	bb_u16(&o, qtype);
	bb_u16(&o, 1);
	return o.n;
}

/*
 * The answer: ncname CNAME records chained from the question's name (each
 * owner a compression pointer to the previous name), then one record of
 * qtype per address, owned by the last name. naddr may be 0 (NODATA).
 */
static inline size_t dns_answer(uint8_t *out, size_t cap, uint16_t id,
				const char *name, uint16_t qtype,
				const char *const *cnames, int ncname,
				const struct addr *addrs, int naddr)
{
	struct bb o;
	uint16_t owner = 12;	/* the question's name */
	int i;

	bb_init(&o, out, cap);
	dns_header(&o, id, 0x8180, (uint16_t)(ncname + naddr));
	dns_put_name(&o, name);
	bb_u16(&o, qtype);
	bb_u16(&o, 1);
	for (i = 0; i < ncname; i++) {
		size_t rdl;

		bb_u16(&o, (uint16_t)(0xc000 | owner));
		bb_u16(&o, DNS_CNAME);
		bb_u16(&o, 1);
		bb_u32(&o, 300);
		rdl = bb_mark(&o, 2);
		owner = (uint16_t)o.n;
		dns_put_name(&o, cnames[i]);
		bb_patch(&o, rdl, 2);
	}
	for (i = 0; i < naddr; i++) {
		bb_u16(&o, (uint16_t)(0xc000 | owner));
		bb_u16(&o, qtype);
		bb_u16(&o, 1);
		bb_u32(&o, 60);
		if (qtype == DNS_A) {
			bb_u16(&o, 4);
			bb_mem(&o, addrs[i].b, 4);
		} else {
			bb_u16(&o, 16);
			bb_mem(&o, addrs[i].b, 16);
		}
	}
	return o.n;
}

/* ---------------------------------------------------------------- */
/* TLS                                                               */
/* ---------------------------------------------------------------- */

/*
 * A TLS 1.3 ClientHello in one record, as a browser sends it: legacy
 * version 0x0303, 32-byte random and session id, TLS 1.3 and 1.2 suites,
 * server_name, ec_point_formats, supported_groups, session_ticket, ALPN,
 * extended_master_secret, signature_algorithms, supported_versions,
 * psk_key_exchange_modes, key_share (x25519). Returns the record length.
 */
static inline size_t tls_client_hello(uint8_t *out, size_t cap,
				      const char *sni, const char *alpn1,
				      const char *alpn2, uint32_t seed)
{
	static const uint16_t suites[] = {
		0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
		0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
		0x0035,
	};
	static const uint16_t sigalgs[] = {
		0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
		0x0601,
	};
	struct bb o;
	size_t rec, hs, l, ext, e, e2;
	size_t i;

	bb_init(&o, out, cap);
	bb_u8(&o, 0x16);
	bb_u16(&o, 0x0301);
	rec = bb_mark(&o, 2);
	bb_u8(&o, 0x01);
	hs = bb_mark(&o, 3);
	bb_u16(&o, 0x0303);
	bb_fill(&o, 32, seed);
	bb_u8(&o, 32);
	bb_fill(&o, 32, seed ^ 0x5a5a5a5au);
	l = bb_mark(&o, 2);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		bb_u16(&o, suites[i]);
	bb_patch(&o, l, 2);
	bb_u8(&o, 1);
	bb_u8(&o, 0);
	ext = bb_mark(&o, 2);

	if (sni) {
		bb_u16(&o, 0x0000);
		e = bb_mark(&o, 2);
		e2 = bb_mark(&o, 2);
		bb_u8(&o, 0);	/* host_name */
		bb_u16(&o, (uint16_t)strlen(sni));
		bb_mem(&o, sni, strlen(sni));
		bb_patch(&o, e2, 2);
		bb_patch(&o, e, 2);
	}
	bb_u16(&o, 0x000b);	/* ec_point_formats */
	bb_u16(&o, 2);
	bb_u8(&o, 1);
	bb_u8(&o, 0);
	bb_u16(&o, 0x000a);	/* supported_groups */
	bb_u16(&o, 8);
	bb_u16(&o, 6);
	bb_u16(&o, 0x001d);
	bb_u16(&o, 0x0017);
	bb_u16(&o, 0x0018);
	bb_u16(&o, 0x0023);	/* session_ticket */
	bb_u16(&o, 0);
	if (alpn1) {
		bb_u16(&o, 0x0010);
		e = bb_mark(&o, 2);
		e2 = bb_mark(&o, 2);
		bb_u8(&o, (uint8_t)strlen(alpn1));
		bb_mem(&o, alpn1, strlen(alpn1));
		if (alpn2) {
			bb_u8(&o, (uint8_t)strlen(alpn2));
			bb_mem(&o, alpn2, strlen(alpn2));
		}
		bb_patch(&o, e2, 2);
		bb_patch(&o, e, 2);
	}
	bb_u16(&o, 0x0017);	/* extended_master_secret */
	bb_u16(&o, 0);
	bb_u16(&o, 0x000d);	/* signature_algorithms */
	e = bb_mark(&o, 2);
	e2 = bb_mark(&o, 2);
	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		bb_u16(&o, sigalgs[i]);
	bb_patch(&o, e2, 2);
	bb_patch(&o, e, 2);
	bb_u16(&o, 0x002b);	/* supported_versions */
	bb_u16(&o, 5);
	bb_u8(&o, 4);
	bb_u16(&o, 0x0304);
	bb_u16(&o, 0x0303);
	bb_u16(&o, 0x002d);	/* psk_key_exchange_modes */
	bb_u16(&o, 2);
	bb_u8(&o, 1);
	bb_u8(&o, 1);
	bb_u16(&o, 0x0033);	/* key_share */
	bb_u16(&o, 38);
	bb_u16(&o, 36);
	bb_u16(&o, 0x001d);
	bb_u16(&o, 32);
	bb_fill(&o, 32, seed ^ 0x33333333u);

	bb_patch(&o, ext, 2);
	bb_patch(&o, hs, 3);
	bb_patch(&o, rec, 2);
	return o.n;
}

/* A TLS 1.3 ServerHello record (TLS_AES_128_GCM_SHA256, x25519). */
static inline size_t tls_server_hello(uint8_t *out, size_t cap, uint32_t seed)
{
	struct bb o;
	size_t rec, hs, ext;

	bb_init(&o, out, cap);
	bb_u8(&o, 0x16);
	bb_u16(&o, 0x0303);
	rec = bb_mark(&o, 2);
	bb_u8(&o, 0x02);
	hs = bb_mark(&o, 3);
	bb_u16(&o, 0x0303);
	bb_fill(&o, 32, seed);
	bb_u8(&o, 32);
	bb_fill(&o, 32, seed ^ 0x5a5a5a5au);
	bb_u16(&o, 0x1301);
	bb_u8(&o, 0);
	ext = bb_mark(&o, 2);
	bb_u16(&o, 0x002b);
	bb_u16(&o, 2);
	bb_u16(&o, 0x0304);
	bb_u16(&o, 0x0033);
	bb_u16(&o, 36);
	bb_u16(&o, 0x001d);
	bb_u16(&o, 32);
	bb_fill(&o, 32, seed ^ 0x77777777u);
	bb_patch(&o, ext, 2);
	bb_patch(&o, hs, 3);
	bb_patch(&o, rec, 2);
	return o.n;
}

/*
 * A TLS byte stream of exactly total bytes (total >= hello_len + 6 + 22):
 * the hello record, a ChangeCipherSpec record, then application_data
 * records of at most 16384 + 256 bytes of "ciphertext" each, the last one
 * sized to end the stream exactly.
 */
static inline size_t tls_stream(uint8_t *out, size_t cap, const uint8_t *hello,
				size_t hello_len, size_t total, uint32_t seed)
{
	static const uint8_t ccs[6] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct bb o;

	bb_init(&o, out, cap);
	bb_mem(&o, hello, hello_len);
	bb_mem(&o, ccs, sizeof(ccs));
	while (o.n + 5 + 17 <= total) {
		size_t body = total - o.n - 5;

		if (body > 16384 + 256)
			body = 16384;
		bb_u8(&o, 0x17);
		bb_u16(&o, 0x0303);
		bb_u16(&o, (uint16_t)body);
		bb_fill(&o, body, seed++);
	}
	return o.n;
}

#endif
