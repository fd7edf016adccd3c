/*
 * names.c: the per-flow server-name orchestrator (names.h).
 *
 * Per-flow state lives behind f->names. A flow with nothing more to look
 * at has FN_DONE set, either in its own state (it keeps a name) or by
 * pointing at the shared, never-written `nothing` sentinel; the hot path
 * tests that flag first.
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dns_cache.h"
#include "http.h"
#include "quic.h"
#include "tls.h"

enum {
	FN_DONE = 0x01,		/* nothing more to look at */
	FN_HAVE_ISN = 0x02,	/* isn is the client's first data byte */
	FN_ISN_FROM_SYN = 0x04,	/* ...known from the handshake */
	FN_START_SEEN = 0x08,	/* the stream's first segment arrived */
	FN_ECH = 0x10,
	FN_QUIC = 0x20,		/* a QUIC flow: datagrams, not a stream */
	FN_SEEN_DATA = 0x40,	/* max_end is set */
	FN_DNS_TCP = 0x80,	/* a DNS-over-TCP flow: isn and max_end are
				 * the server's stream and its next message */
};

struct names_reasm {
	uint32_t base;		/* sequence number of buf[0] */
	uint16_t contig;	/* bytes known from buf[0] */
	bool stream_start;	/* base is the client's first byte */
	uint8_t filled[NAMES_REASM_CAP / 8];
	uint8_t buf[NAMES_REASM_CAP];
};

struct flow_names {
	char *name;		/* in-flow name (SNI, QUIC SNI, Host) */
	char *dns;		/* DNS-learned name */
	struct names_reasm *rs;	/* while a start is incomplete */
	struct quic_flow *qf;	/* while a QUIC ClientHello is incomplete */
	uint32_t isn;
	uint32_t max_end;	/* relative end of the furthest data seen */
	uint8_t src;		/* enum name_source of name */
	uint8_t segs;		/* client payload segments (datagrams) seen */
	uint8_t flags;
};

/* Shared by every flow that has nothing to look at and no name. */
static struct flow_names nothing = { .flags = FN_DONE };

struct names {
	struct dns_cache *cache;
	struct quic_ctx *quic;
	uint64_t memcap, mem;
	struct names_stats st;
	struct dns_result dns;
	struct tls_hello hello;
	struct http_request http;
	uint8_t scratch[NAMES_REASM_CAP];
};

struct names *names_new(const struct names_config *cfg)
{
	struct names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->memcap = cfg->names_memcap;
	n->cache = dns_cache_new(cfg->dns_cache_memcap, cfg->seed);
	if (!n->cache) {
		free(n);
		return NULL;
	}
	n->quic = quic_ctx_new();	/* NULL: QUIC goes unnamed */
	return n;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	dns_cache_free(n->cache);
	quic_ctx_free(n->quic);
	free(n);
}

/* ---- memory under the cap ---- */

static void *mem_alloc(struct names *n, size_t size)
{
	void *p;

	if (n->mem + size > n->memcap) {
		n->st.names_memcap_drops++;
		return NULL;
	}
	p = calloc(1, size);
	if (!p) {
		n->st.names_memcap_drops++;
		return NULL;
	}
	n->mem += size;
	return p;
}

static void mem_free(struct names *n, void *p, size_t size)
{
	if (!p)
		return;
	n->mem -= size;
	free(p);
}

static char *mem_strdup(struct names *n, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = mem_alloc(n, len);

	if (p)
		memcpy(p, s, len);
	return p;
}

static void mem_strfree(struct names *n, char *s)
{
	if (s)
		mem_free(n, s, strlen(s) + 1);
}

static void drop_buffers(struct names *n, struct flow_names *fn)
{
	mem_free(n, fn->rs, sizeof(*fn->rs));
	fn->rs = NULL;
	mem_free(n, fn->qf, sizeof(*fn->qf));
	fn->qf = NULL;
}

/* The flow's state, allocated on first need; NULL at the cap. */
static struct flow_names *fn_get(struct names *n, struct flow *f)
{
	struct flow_names *fn = f->names;

	if (fn)
		return fn;
	fn = mem_alloc(n, sizeof(*fn));
	f->names = fn;
	return fn;
}

/* Nothing more to look at: keep a name if there is one, else fall back
 * to the shared sentinel and free everything. */
static void fn_finish(struct names *n, struct flow *f)
{
	struct flow_names *fn = f->names;

	if (!fn || fn == &nothing)
		return;
	drop_buffers(n, fn);
	if (fn->name || fn->dns) {
		fn->flags |= FN_DONE;
		return;
	}
	mem_free(n, fn, sizeof(*fn));
	f->names = &nothing;
}

/* ---- DNS ---- */

static void learn_message(struct names *n, const struct pkt_layer *l,
			  const uint8_t *msg, size_t len, uint64_t now_ns)
{
	struct dns_result *r = &n->dns;
	struct dns_cache_addr client, server;

	switch (dns_parse_response(msg, len, r)) {
	case DNS_NOT_RESPONSE:
		return;
	case DNS_MALFORMED:
		n->st.dns_malformed++;
		return;
	case DNS_OK:
		break;
	}
	n->st.dns_responses++;
	if (r->name_invalid)
		n->st.name_invalid++;
	/* The response goes to the client that asked. */
	client.family = l->t.family;
	memcpy(client.b, l->t.dst.b, 16);
	for (unsigned i = 0; i < r->nanswers; i++) {
		const struct dns_answer *a = &r->ans[i];

		if (!r->names[a->name][0])
			continue;
		server.family = a->family;
		memcpy(server.b, a->addr, 16);
		dns_cache_learn(n->cache, &client, &server, r->names[a->name],
				a->ttl, now_ns);
		n->st.dns_answers++;
	}
}

static bool is_dns_response(const struct pkt_layer *l)
{
	if (!l->has_ports || l->payload_len == 0)
		return false;
	/* TCP (port 53) goes through the flow's own stream: tcp_dns(). */
	return l->t.proto == IPPROTO_NUM_UDP &&
	       (l->t.sport == DNS_PORT || l->t.sport == MDNS_PORT);
}

static bool is_dns_flow(const struct pkt_layer *l)
{
	return l->t.sport == DNS_PORT || l->t.dport == DNS_PORT ||
	       l->t.sport == MDNS_PORT || l->t.dport == MDNS_PORT;
}

/* A new flow: the name its client resolved for the responder. */
static bool name_from_dns(struct names *n, struct flow *f, uint64_t now_ns)
{
	struct dns_cache_addr client, server;
	const struct ip_addr *a0 = f->initiator_is_a ? &f->key.a : &f->key.b;
	const struct ip_addr *a1 = f->initiator_is_a ? &f->key.b : &f->key.a;
	const char *name;
	struct flow_names *fn;
	int own;

	client.family = server.family = f->key.family;
	memcpy(client.b, a0->b, 16);
	memcpy(server.b, a1->b, 16);
	name = dns_cache_lookup(n->cache, &client, &server, now_ns, &own);
	if (!name)
		return false;
	fn = fn_get(n, f);
	if (!fn)
		return false;
	fn->dns = mem_strdup(n, name);
	if (!fn->dns)
		return false;
	n->st.names_from_dns++;
	return true;
}

/* ---- in-flow names ---- */

enum probe_result {
	PROBE_FOUND,		/* a name: stop looking */
	PROBE_NO_NAME,		/* a ClientHello or request without a name: stop */
	PROBE_NEED_MORE,
	PROBE_NOT,		/* not here */
};

static bool set_name(struct names *n, struct flow_names *fn, const char *name,
		     enum name_source src, bool invalid)
{
	if (invalid)
		n->st.name_invalid++;
	fn->name = mem_strdup(n, name);
	if (!fn->name)
		return false;
	fn->src = (uint8_t)src;
	n->st.names_from_flow++;
	return true;
}

static enum probe_result take_hello(struct names *n, struct flow_names *fn,
				    enum name_source src)
{
	const struct tls_hello *h = &n->hello;

	n->st.tls_client_hellos++;
	if (h->ech) {
		fn->flags |= FN_ECH;
		n->st.tls_ech++;
	}
	if (!h->has_sni)
		return PROBE_NO_NAME;
	return set_name(n, fn, h->sni, src, h->sni_invalid) ? PROBE_FOUND
							    : PROBE_NO_NAME;
}

/* Looks for a name at the start of buf (a stream start when `start`). */
static enum probe_result probe(struct names *n, struct flow_names *fn,
			       const uint8_t *buf, size_t len, bool start,
			       bool final)
{
	if (len == 0)
		return PROBE_NEED_MORE;
	if (buf[0] == 0x16) {
		switch (tls_parse_records(buf, len, final, n->scratch,
					  sizeof(n->scratch), &n->hello)) {
		case TLS_HELLO:
			return take_hello(n, fn, NAME_SRC_SNI);
		case TLS_NEED_MORE:
			return PROBE_NEED_MORE;
		case TLS_MALFORMED:
			n->st.tls_malformed++;
			return PROBE_NOT;
		case TLS_NOT_HELLO:
			break;
		}
	}
	if (!start)
		return PROBE_NOT;
	switch (http_parse_request(buf, len, final, &n->http)) {
	case HTTP_HOST:
		n->st.http_requests++;
		return set_name(n, fn, n->http.host, NAME_SRC_HTTP,
				n->http.host_invalid) ? PROBE_FOUND
						      : PROBE_NO_NAME;
	case HTTP_NO_HOST:
		n->st.http_requests++;
		return PROBE_NO_NAME;
	case HTTP_NEED_MORE:
		return PROBE_NEED_MORE;
	case HTTP_NOT_REQUEST:
		break;
	}
	return PROBE_NOT;
}

/* Drops the first k bytes of the reassembly buffer, moving the rest (and
 * their filled bits) down: buf[0] becomes sequence number base + k. */
static void reasm_shift(struct names_reasm *rs, size_t k)
{
	size_t keep = NAMES_REASM_CAP - k, i;

	if (k == 0)
		return;
	memmove(rs->buf, rs->buf + k, keep);
	for (i = 0; i < NAMES_REASM_CAP; i++) {
		bool bit = i < keep &&
			   (rs->filled[(i + k) / 8] & (1u << ((i + k) % 8)));

		if (bit)
			rs->filled[i / 8] |= (uint8_t)(1u << (i % 8));
		else
			rs->filled[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
	rs->base += (uint32_t)k;
	rs->contig = (uint16_t)(rs->contig - k);
}

/* Any byte held at all (contiguous or not)? */
static bool reasm_empty(const struct names_reasm *rs)
{
	for (size_t i = 0; i < sizeof(rs->filled); i++)
		if (rs->filled[i])
			return false;
	return true;
}

/* Places a segment's bytes into the reassembly buffer. */
static void reasm_place(struct names_reasm *rs, uint32_t seq,
			const uint8_t *p, size_t len)
{
	uint32_t rel = seq - rs->base;
	size_t skip = 0;

	if (rel >= 0x80000000u) {	/* starts before base */
		skip = (size_t)(0u - rel);
		if (skip >= len)
			return;
		rel = 0;
	}
	if (rel >= NAMES_REASM_CAP)
		return;
	p += skip;
	len -= skip;
	if (len > NAMES_REASM_CAP - rel)
		len = NAMES_REASM_CAP - rel;
	memcpy(rs->buf + rel, p, len);
	for (size_t i = rel; i < rel + len; i++)
		rs->filled[i / 8] |= (uint8_t)(1u << (i % 8));
	while (rs->contig < NAMES_REASM_CAP &&
	       (rs->filled[rs->contig / 8] & (1u << (rs->contig % 8))))
		rs->contig++;
}

static struct names_reasm *reasm_start(struct names *n, struct flow_names *fn,
				       uint32_t base, bool stream_start)
{
	struct names_reasm *rs = mem_alloc(n, sizeof(*rs));

	if (rs) {
		rs->base = base;
		rs->stream_start = stream_start;
	}
	fn->rs = rs;
	return rs;
}

/* Acts on a probe's result; true when the flow is finished with. */
static bool conclude(struct names *n, struct flow *f, enum probe_result r,
		     bool *became)
{
	if (r == PROBE_FOUND)
		*became = true;
	if (r == PROBE_FOUND || r == PROBE_NO_NAME) {
		fn_finish(n, f);
		return true;
	}
	return false;
}

static void tcp_segment(struct names *n, struct flow *f, struct flow_names *fn,
			const struct pkt_layer *l, bool *became)
{
	uint32_t seq = l->tcp_seq, rel, end;
	bool fresh;
	enum probe_result r;

	if (!(fn->flags & FN_HAVE_ISN)) {
		fn->isn = seq;
		fn->flags |= FN_HAVE_ISN;
	}
	rel = seq - fn->isn;
	if (rel >= 0x80000000u)
		return;	/* before the stream's start: old data */
	end = rel + l->payload_len;
	/* A retransmission ends where data was already seen. */
	fresh = !(fn->flags & FN_SEEN_DATA) ||
		(int32_t)(end - fn->max_end) > 0;
	if (fresh) {
		fn->flags |= FN_SEEN_DATA;
		if ((int32_t)(end - fn->max_end) > 0 || fn->segs == 0)
			fn->max_end = end;
		fn->segs++;
	}

	/* The stream's start not seen yet but known from the handshake:
	 * an early-arriving later segment waits in the buffer for it. */
	if (!fn->rs && !(fn->flags & FN_START_SEEN) && rel > 0 &&
	    (fn->flags & FN_ISN_FROM_SYN) && rel < NAMES_REASM_CAP) {
		if (!reasm_start(n, fn, fn->isn, true)) {
			fn_finish(n, f);
			return;
		}
	}
	if (rel == 0)
		fn->flags |= FN_START_SEEN;

	if (fn->rs) {
		struct names_reasm *rs = fn->rs;
		uint32_t rs_base = rs->base;
		uint16_t before = rs->contig;

		reasm_place(rs, seq, l->payload, l->payload_len);
		if (rs->contig != before) {
			r = probe(n, fn, rs->buf, rs->contig, rs->stream_start,
				  rs->contig >= NAMES_REASM_CAP);
			if (conclude(n, f, r, became))
				return;
			if (r == PROBE_NOT || rs->contig >= NAMES_REASM_CAP) {
				mem_free(n, rs, sizeof(*rs));
				fn->rs = NULL;
			}
		}
		/* Still joining, or this segment was the joined start:
		 * nothing more to try on it. Otherwise (the join proved
		 * not to be a start) the segment may be one itself. */
		if (fn->rs || !fresh || seq == rs_base)
			goto limit;
	}
	if (fresh) {
		/* A start: the stream's, or a segment's (STARTTLS). */
		bool start = rel == 0;

		r = probe(n, fn, l->payload, l->payload_len, start, false);
		if (conclude(n, f, r, became))
			return;
		if (r == PROBE_NEED_MORE) {
			if (!reasm_start(n, fn, seq, start)) {
				fn_finish(n, f);
				return;
			}
			reasm_place(fn->rs, seq, l->payload, l->payload_len);
		}
	}
limit:
	if (fn->segs > NAMES_MAX_SEGMENTS && !fn->rs)
		fn_finish(n, f);
}

/* ---- DNS over TCP ---- */

/* Reads the whole length-prefixed messages (RFC 1035 section 4.2.2, RFC
 * 7766) at the start of p; returns the bytes they take. */
static size_t dns_tcp_messages(struct names *n, const struct pkt_layer *l,
			       const uint8_t *p, size_t len, uint64_t now_ns)
{
	size_t used = 0;

	while (len - used >= 2) {
		size_t m = (size_t)p[used] << 8 | p[used + 1];

		if (m > len - used - 2)
			break;
		if (m > 0)
			learn_message(n, l, p + used + 2, m, now_ns);
		used += 2 + m;
	}
	return used;
}

/* Reads what the joined bytes now hold whole, then keeps the buffer
 * starting at the next message; frees it once nothing waits in it. A
 * message longer than the buffer is skipped and counted. */
static void dns_tcp_drain(struct names *n, struct flow_names *fn,
			  const struct pkt_layer *l, uint64_t now_ns)
{
	struct names_reasm *rs = fn->rs;
	size_t used = dns_tcp_messages(n, l, rs->buf, rs->contig, now_ns);

	reasm_shift(rs, used);
	fn->max_end += (uint32_t)used;
	if (rs->contig == 0 && reasm_empty(rs)) {
		mem_free(n, rs, sizeof(*rs));
		fn->rs = NULL;
		return;
	}
	if (rs->contig >= 2) {
		size_t m = (size_t)rs->buf[0] << 8 | rs->buf[1];

		if (2 + m > NAMES_REASM_CAP) {
			n->st.dns_tcp_dropped++;
			fn->max_end += (uint32_t)(2 + m);
			mem_free(n, rs, sizeof(*rs));
			fn->rs = NULL;
		}
	}
}

/*
 * A segment of a TCP flow with port 53 on either end. The server's bytes
 * (source port 53) are placed by sequence number relative to its first
 * data byte (the SYN-ACK's, else the first payload segment's); messages
 * whole in an in-order segment are read straight from the packet, and
 * only a message cut by a segment's end, or a segment arriving ahead of a
 * gap, starts a join of at most NAMES_REASM_CAP bytes from the next
 * unread message. Retransmitted bytes are not read twice.
 */
static void tcp_dns(struct names *n, struct flow *f, int side,
		    const struct pkt_layer *l, uint64_t now_ns)
{
	struct flow_names *fn;
	uint32_t seq = l->tcp_seq, rel, end;
	size_t used;

	/* The client's queries: nothing to learn. Port 53 at both ends (a
	 * server's zone transfer): the responder's stream only, so the two
	 * streams never share the join. */
	if (l->t.sport != DNS_PORT || (l->t.dport == DNS_PORT && side == 0))
		return;
	if (!(l->tcp_flags & TCPF_SYN) && l->payload_len == 0)
		return;
	fn = fn_get(n, f);
	if (!fn) {
		f->names = &nothing;
		return;
	}
	fn->flags |= FN_DNS_TCP;
	if (l->tcp_flags & TCPF_SYN) {
		if (!(fn->flags & FN_HAVE_ISN)) {
			fn->isn = seq + 1;
			fn->flags |= FN_HAVE_ISN;
		}
		if (l->payload_len == 0)
			return;
		seq++;
	}
	if (!(fn->flags & FN_HAVE_ISN)) {
		fn->isn = seq;
		fn->flags |= FN_HAVE_ISN;
	}
	rel = seq - fn->isn;
	if (rel >= 0x80000000u)
		return;		/* before the stream's start */
	end = rel + l->payload_len;
	if (!fn->rs) {
		if ((int32_t)(end - fn->max_end) <= 0)
			return;	/* already read: a retransmission */
		if (rel == fn->max_end) {
			used = dns_tcp_messages(n, l, l->payload,
						l->payload_len, now_ns);
			fn->max_end += (uint32_t)used;
			if (used == l->payload_len)
				return;
		}
		/* A message cut by the segment's end, or a segment past
		 * a gap (or overlapping what was read): join from the
		 * next unread message on. */
		if (!reasm_start(n, fn, fn->isn + fn->max_end, false)) {
			fn_finish(n, f);
			return;
		}
	}
	reasm_place(fn->rs, seq, l->payload, l->payload_len);
	dns_tcp_drain(n, fn, l, now_ns);
}

static void udp_datagram(struct names *n, struct flow *f,
			 const struct pkt_layer *l, bool *became)
{
	struct flow_names *fn = f->names;
	unsigned initials = 0, failed = 0;
	enum quic_status st;

	if (!fn || !(fn->flags & FN_QUIC)) {
		/* Only a flow whose first client datagram is a QUIC
		 * Initial is followed. */
		if (!n->quic || !quic_is_initial(l->payload, l->payload_len)) {
			fn_finish(n, f);
			if (!f->names)
				f->names = &nothing;
			return;
		}
		fn = fn_get(n, f);
		if (!fn) {
			f->names = &nothing;
			return;
		}
		fn->qf = mem_alloc(n, sizeof(*fn->qf));
		if (!fn->qf) {
			fn_finish(n, f);
			return;
		}
		fn->flags |= FN_QUIC;
	}
	fn->segs++;
	st = quic_datagram(n->quic, fn->qf, l->payload, l->payload_len,
			   &n->hello, &initials, &failed);
	n->st.quic_initials += initials;
	n->st.quic_decrypt_failed += failed;
	if (st == QUIC_HELLO) {
		conclude(n, f, take_hello(n, fn, NAME_SRC_QUIC), became);
		return;
	}
	if (fn->segs > NAMES_MAX_SEGMENTS)
		fn_finish(n, f);
}

bool names_packet(struct names *n, struct flow *f, int side,
		  const struct pkt_layer *l, uint64_t now_ns)
{
	struct flow_names *fn;
	bool became = false;

	if (is_dns_response(l))
		learn_message(n, l, l->payload, l->payload_len, now_ns);
	fn = f->names;
	if (fn && (fn->flags & FN_DONE))
		return false;	/* the one branch for finished flows */

	if (!fn && flow_is_new(f))
		became = name_from_dns(n, f, now_ns);

	if (l->t.proto == IPPROTO_NUM_TCP || l->t.proto == IPPROTO_NUM_UDP) {
		if (!l->has_ports)
			return became;	/* a later fragment: nothing to place */
	}
	if (l->t.proto == IPPROTO_NUM_TCP &&
	    (l->t.sport == DNS_PORT || l->t.dport == DNS_PORT)) {
		tcp_dns(n, f, side, l, now_ns);
		return became;
	}
	if ((l->t.proto != IPPROTO_NUM_TCP && l->t.proto != IPPROTO_NUM_UDP) ||
	    is_dns_flow(l)) {
		fn_finish(n, f);
		if (!f->names)
			f->names = &nothing;
		return became;
	}

	if (l->t.proto == IPPROTO_NUM_UDP) {
		if (side == 0 && l->payload_len > 0)
			udp_datagram(n, f, l, &became);
		return became;
	}

	/* TCP: learn the client's ISN from the handshake. */
	if (l->tcp_flags & TCPF_SYN) {
		fn = fn_get(n, f);
		if (!fn) {
			f->names = &nothing;
			return became;
		}
		if (!(fn->flags & FN_HAVE_ISN)) {
			fn->isn = side == 0 ? l->tcp_seq + 1 : l->tcp_ack;
			if (side == 0 || (l->tcp_flags & TCPF_ACK))
				fn->flags |= FN_HAVE_ISN | FN_ISN_FROM_SYN;
		}
	}
	if (side != 0 || l->payload_len == 0)
		return became;
	fn = fn_get(n, f);
	if (!fn) {
		f->names = &nothing;
		return became;
	}
	tcp_segment(n, f, fn, l, &became);
	return became;
}

/* ---- getters ---- */

static const struct flow_names *fn_of(const struct flow *f)
{
	return f->names && f->names != &nothing ? f->names : NULL;
}

const char *names_flow_name(const struct flow *f, enum name_source *src)
{
	const struct flow_names *fn = fn_of(f);
	enum name_source s = NAME_SRC_NONE;
	const char *name = NULL;

	if (fn && fn->name) {
		name = fn->name;
		s = (enum name_source)fn->src;
	} else if (fn && fn->dns) {
		name = fn->dns;
		s = NAME_SRC_DNS;
	}
	if (src)
		*src = s;
	return name;
}

const char *names_flow_dns_name(const struct flow *f)
{
	const struct flow_names *fn = fn_of(f);

	if (!fn || !fn->name || !fn->dns || strcmp(fn->name, fn->dns) == 0)
		return NULL;
	return fn->dns;
}

const char *names_flow_sni(const struct flow *f)
{
	const struct flow_names *fn = fn_of(f);

	if (!fn || !fn->name ||
	    (fn->src != NAME_SRC_SNI && fn->src != NAME_SRC_QUIC))
		return NULL;
	return fn->name;
}

bool names_flow_ech(const struct flow *f)
{
	const struct flow_names *fn = fn_of(f);

	return fn && (fn->flags & FN_ECH);
}

void names_flow_release(struct names *n, struct flow *f)
{
	struct flow_names *fn = f->names;

	f->names = NULL;
	if (!fn || fn == &nothing)
		return;
	drop_buffers(n, fn);
	mem_strfree(n, fn->name);
	mem_strfree(n, fn->dns);
	mem_free(n, fn, sizeof(*fn));
}

void names_stats(const struct names *n, struct names_stats *out)
{
	struct dns_cache_stats cs;

	*out = n->st;
	dns_cache_stats(n->cache, &cs);
	out->dns_cache_memcap_evictions = cs.dns_cache_memcap_evictions;
	out->dns_cache_entries = cs.entries;
	out->names_memory = n->mem;
}
