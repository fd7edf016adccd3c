/*
 * flow_table.c: the bidirectional flow table.
 *
 * Jobs, in the order a packet meets them:
 *   - key: the layer's tuple in canonical endpoint order plus VLANs, tunnel
 *     depth and VNI (flow.h lists every input), hashed with SipHash-1-3
 *     under the per-process seed; one chained bucket walk finds the flow;
 *   - create: a flow comes from a free list fed by slabs of FLOWS_PER_SLAB,
 *     so creating one is no malloc; a new slab is allocated only when the
 *     cap leaves room for it, and at the cap the longest-idle flow is
 *     evicted (flow_memcap_evictions);
 *   - count: packets, IP bytes, first/last time and TCP flags per side;
 *     TCP far enough to know the initiator (a pure SYN marks its sender, a
 *     SYN-ACK its receiver) and the end (FIN both ways, or any RST);
 *   - expire: one LRU list per timeout class. Every flow in a list shares
 *     one timeout and a flow goes to the tail when it takes its place, so
 *     the head is always the next to expire: flow_table_advance() looks at
 *     six heads, and pops only what is due. A second list, ordered by
 *     active_mark_ns, gives interim records the same way;
 *   - emit: everything that ends or is interim-reported in one call is
 *     collected, sorted by (start, Community ID, VLANs, depth, creation
 *     sequence) and only then handed out, so the hash seed (which decides
 *     bucket and walk order) never changes what is written or in what
 *     order (CONTRACT.md section 3).
 *
 * Time: the table's clock is the latest packet time seen. A packet older
 * than the clock (a capture going backwards) is counted at the clock's
 * time, so the LRU lists stay ordered and nothing expires early.
 * Timeouts are inclusive: a flow whose deadline (lru_ns + timeout) equals
 * the clock has ended.
 *
 * Must never: read the wall clock, print, allocate on the per-packet path
 * (slabs aside, at most once per FLOWS_PER_SLAB flows), or call the emit
 * callback in an order that depends on the seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "flow_table.h"
#include "siphash.h"

#define NS_PER_S 1000000000ULL

/* Flows carved from one allocation: large enough that slab allocation
 * never shows in a profile, small enough that a low cap is not wasted. */
enum { FLOWS_PER_SLAB = 4096 };

enum timeout_class {
	TC_TCP_SYN,		/* SYN seen, unanswered: tcp_syn */
	TC_TCP,			/* established TCP: tcp_idle */
	TC_TCP_CLOSING,		/* FIN both ways or RST: tcp_linger */
	TC_UDP,
	TC_ICMP,
	TC_OTHER,
	TC_COUNT,
	TC_NONE = 0xff,		/* not yet in any list */
};

struct flow_list {
	struct flow *head, *tail;
};

struct flow_table {
	/* Hot: touched by every packet. */
	struct flow **buckets;
	uint64_t mask;			/* buckets - 1 (a power of two) */
	uint64_t now;			/* latest packet time seen */
	struct flow_list lru[TC_COUNT];
	uint64_t timeout_ns[TC_COUNT];
	struct flow_list active;	/* ordered by active_mark_ns */
	uint64_t active_ns;		/* 0: no interim records */
	uint64_t next_due;		/* no list head is due before this:
					 * flow_table_advance() looks no further
					 * until then (lowered as flows join a
					 * list, recomputed after each sweep) */
	uint8_t seed[SIPHASH_KEY_LEN];
	struct flow *free_list;		/* linked through hash_next */
	struct flow *slab_next;		/* next never-used flow of the slab */
	size_t slab_left;
	uint64_t next_seq;

	/* Cold. */
	struct flow **slabs;
	size_t nslabs, nslabs_max;
	uint64_t flows_reserved;	/* flows in allocated slabs */
	struct flow **batch;		/* room for flows_max: a batch never
					 * holds a flow twice */
	size_t nbatch;
	uint64_t memcap;
	flow_emit_fn emit;
	void *ctx;
	struct flow_table_stats st;
};

void flow_timeouts_default(struct flow_timeouts *to)
{
	/* CONTRACT.md section 3. */
	to->tcp_idle = 300;
	to->tcp_syn = 30;
	to->tcp_linger = 5;
	to->udp = 60;
	to->icmp = 60;
	to->other = 60;
	to->active = 300;
}

/* ---- Sizing ---------------------------------------------------------- */

/* What one flow costs against the cap: itself and its slot in the batch
 * array. */
static size_t per_flow_bytes(void)
{
	return sizeof(struct flow) + sizeof(struct flow *);
}

static uint64_t slabs_for(uint64_t flows)
{
	return (flows + FLOWS_PER_SLAB - 1) / FLOWS_PER_SLAB;
}

/* About one bucket per flow the cap allows, rounded up to a power of two
 * so the bucket is a mask of the hash. */
static uint64_t buckets_for(uint64_t memcap)
{
	uint64_t est = memcap / (per_flow_bytes() + sizeof(struct flow *));
	uint64_t nb = 1;

	while (nb < est)
		nb <<= 1;
	return nb;
}

/* Everything but the flows themselves: buckets, batch slots, slab table. */
static uint64_t fixed_bytes(uint64_t nbuckets, uint64_t flows)
{
	return nbuckets * sizeof(struct flow *) +
	       flows * sizeof(struct flow *) +
	       slabs_for(flows) * sizeof(struct flow *);
}

static uint64_t flows_max_for(uint64_t memcap, uint64_t nbuckets)
{
	uint64_t fmax;

	if (nbuckets * sizeof(struct flow *) >= memcap)
		return 0;
	fmax = (memcap - nbuckets * sizeof(struct flow *)) / per_flow_bytes();
	/* The slab table (8 bytes per 4096 flows) may tip it over by a few. */
	while (fmax && fixed_bytes(nbuckets, fmax) +
			       fmax * sizeof(struct flow) > memcap)
		fmax--;
	return fmax;
}

/*
 * Room for at least 1,000,000 flows. sizeof(struct flow) is 288 bytes on
 * x86-64 today; with its batch slot a flow costs 296 bytes, so a million
 * take 296,000,000 bytes; with 16 MiB of buckets (2^21 pointers, about one
 * per flow the cap allows) and rounded up to 32 MiB steps that is 320 MiB,
 * which holds about 1,077,000 flows. The figure follows the struct if it
 * grows.
 */
uint64_t flow_table_default_memcap(void)
{
	const uint64_t step = 32ULL << 20;
	uint64_t want = 1000000;
	uint64_t cap = want * per_flow_bytes() + step;

	cap = (cap + step - 1) / step * step;
	while (flows_max_for(cap, buckets_for(cap)) < want)
		cap += step;
	return cap;
}

/* ---- Lists ----------------------------------------------------------- */

static void lru_append(struct flow_list *l, struct flow *f)
{
	f->lru_next = NULL;
	f->lru_prev = l->tail;
	if (l->tail)
		l->tail->lru_next = f;
	else
		l->head = f;
	l->tail = f;
}

static void lru_unlink(struct flow_list *l, struct flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void active_append(struct flow_list *l, struct flow *f)
{
	f->active_next = NULL;
	f->active_prev = l->tail;
	if (l->tail)
		l->tail->active_next = f;
	else
		l->head = f;
	l->tail = f;
}

static void active_unlink(struct flow_list *l, struct flow *f)
{
	if (f->active_prev)
		f->active_prev->active_next = f->active_next;
	else
		l->head = f->active_next;
	if (f->active_next)
		f->active_next->active_prev = f->active_prev;
	else
		l->tail = f->active_prev;
	f->active_prev = f->active_next = NULL;
}

/* ---- Keys and the hash ----------------------------------------------- */

static bool proto_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6;
}

/*
 * Fills a key from a tuple and returns true when the tuple's source is the
 * key's b end. The key is zeroed first so padding and unused VLAN slots
 * compare equal with memcmp. Addresses compare over all 16 bytes: an IPv4
 * address's unused 12 are zero (packet.h).
 */
static bool key_build(struct flow_key *k, const struct flow_tuple *t,
		      bool ports, const struct pkt_layer *l)
{
	uint16_t sport = ports ? t->sport : 0, dport = ports ? t->dport : 0;
	int cmp = memcmp(t->src.b, t->dst.b, sizeof(t->src.b));
	bool swapped = cmp > 0 || (cmp == 0 && sport > dport);

	memset(k, 0, sizeof(*k));
	if (swapped) {
		k->a = t->dst;
		k->b = t->src;
		k->aport = dport;
		k->bport = sport;
	} else {
		k->a = t->src;
		k->b = t->dst;
		k->aport = sport;
		k->bport = dport;
	}
	for (unsigned i = 0; i < l->nvlan && i < PKT_MAX_VLANS; i++)
		k->vlan[i] = l->vlan[i];
	k->vni = l->has_vni ? l->vni : 0;
	k->family = t->family;
	k->proto = t->proto;
	k->depth = l->depth;
	return swapped;
}

/* Ports take part in the key for TCP, UDP and SCTP when the layer has
 * them, and for ICMP and ICMPv6 always: they hold the echo identifier. */
static bool layer_keys_ports(const struct pkt_layer *l)
{
	return l->has_ports || proto_is_icmp(l->t.proto);
}

/*
 * The hash covers every byte of the key that can differ. An IPv4 key
 * leaves 24 of its 48 bytes zero, so it is packed to 24 bytes first: half
 * the SipHash blocks on the commonest path.
 */
static uint64_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
	uint8_t packed[8 + sizeof(*k) - offsetof(struct flow_key, aport)];

	if (k->family != 4)
		return siphash13(t->seed, k, sizeof(*k));
	memcpy(packed, k->a.b, 4);
	memcpy(packed + 4, k->b.b, 4);
	memcpy(packed + 8, &k->aport, sizeof(*k) - offsetof(struct flow_key, aport));
	return siphash13(t->seed, packed, sizeof(packed));
}

static struct flow *hash_lookup(const struct flow_table *t,
				const struct flow_key *k, uint64_t h)
{
	struct flow *f;

	for (f = t->buckets[h & t->mask]; f; f = f->hash_next)
		if (f->hash == h && memcmp(&f->key, k, sizeof(*k)) == 0)
			return f;
	return NULL;
}

static void hash_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & t->mask];

	while (*pp && *pp != f)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = f->hash_next;
	f->hash_next = NULL;
}

/* Side of a packet whose tuple was (or was not) swapped into the key. */
static int side_of(const struct flow *f, bool swapped)
{
	bool from_a = !swapped;

	return from_a == (f->initiator_is_a != 0) ? 0 : 1;
}

/* ---- Stable order ---------------------------------------------------- */

/* CONTRACT.md section 3: event.start, Community ID, VLAN, tunnel depth,
 * creation sequence. The sequence is unique, so the order is total. */
static int flow_order_cmp(struct flow *a, struct flow *b)
{
	int c;

	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	flow_community_id_ensure(a);
	flow_community_id_ensure(b);
	c = memcmp(a->community_id, b->community_id, sizeof(a->community_id));
	if (c)
		return c;
	for (unsigned i = 0; i < PKT_MAX_VLANS; i++)
		if (a->key.vlan[i] != b->key.vlan[i])
			return a->key.vlan[i] < b->key.vlan[i] ? -1 : 1;
	if (a->key.depth != b->key.depth)
		return a->key.depth < b->key.depth ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

static int batch_cmp(const void *pa, const void *pb)
{
	struct flow *const *a = pa, *const *b = pb;

	return flow_order_cmp(*a, *b);
}

/* ---- Life cycle of one flow ------------------------------------------ */

static void flow_release(struct flow_table *t, struct flow *f)
{
	f->hash_next = t->free_list;
	t->free_list = f;
}

/* Takes an ending flow out of the hash and every list; the memory stays
 * valid until the batch is emitted. */
static void flow_detach(struct flow_table *t, struct flow *f,
			enum flow_end_reason why)
{
	hash_remove(t, f);
	if (f->timeout_class != TC_NONE)
		lru_unlink(&t->lru[f->timeout_class], f);
	f->timeout_class = TC_NONE;
	active_unlink(&t->active, f);
	f->end_reason = (uint8_t)why;
	t->st.flows_active--;
	t->batch[t->nbatch++] = f;
}

/* Sorts the batch, hands every flow to the callback, then frees the ended
 * ones. The callback sees each flow exactly once. */
static void batch_emit(struct flow_table *t)
{
	if (t->nbatch > 1)
		qsort(t->batch, t->nbatch, sizeof(t->batch[0]), batch_cmp);
	for (size_t i = 0; i < t->nbatch; i++) {
		struct flow *f = t->batch[i];
		enum flow_end_reason why = f->end_reason;

		if (t->emit)
			t->emit(t->ctx, f, why);
		if (why == FLOW_END_ACTIVE_TIMEOUT) {
			t->st.flows_interim++;
			f->end_reason = FLOW_END_NONE;
		} else {
			t->st.flows_ended++;
			flow_release(t, f);
		}
	}
	t->nbatch = 0;
}

/*
 * Ends the longest-idle flow: the least recent last packet among the LRU
 * heads (each head is its list's least recently placed flow), ties broken
 * by the stable order so the seed never picks the victim.
 */
static bool evict_one(struct flow_table *t)
{
	struct flow *victim = NULL;

	for (unsigned c = 0; c < TC_COUNT; c++) {
		struct flow *f = t->lru[c].head;

		if (!f)
			continue;
		if (!victim || f->last_ns < victim->last_ns ||
		    (f->last_ns == victim->last_ns &&
		     flow_order_cmp(f, victim) < 0))
			victim = f;
	}
	if (!victim)
		return false;
	flow_detach(t, victim, FLOW_END_EVICTED);
	t->st.flow_memcap_evictions++;
	batch_emit(t);
	return true;
}

/* A new slab, when the cap has room for one. The cap is checked before
 * allocating: flows_max already leaves room for the fixed arrays. */
static bool slab_grow(struct flow_table *t)
{
	uint64_t n = t->st.flows_max - t->flows_reserved;
	size_t bytes;
	struct flow *s;

	if (n > FLOWS_PER_SLAB)
		n = FLOWS_PER_SLAB;
	bytes = (size_t)n * sizeof(struct flow);
	if (n == 0 || t->nslabs == t->nslabs_max ||
	    t->st.memory_used + bytes > t->memcap)
		return false;
	s = malloc(bytes);
	if (!s)
		return false;
	t->slabs[t->nslabs++] = s;
	t->st.memory_used += bytes;
	t->flows_reserved += n;
	t->slab_next = s;
	t->slab_left = (size_t)n;
	return true;
}

static struct flow *flow_alloc(struct flow_table *t)
{
	struct flow *f;

	for (;;) {
		if (t->free_list) {
			f = t->free_list;
			t->free_list = f->hash_next;
			return f;
		}
		if (t->slab_left || slab_grow(t)) {
			t->slab_left--;
			return t->slab_next++;
		}
		/* At the cap (or out of memory): make room. */
		if (!evict_one(t))
			return NULL;
	}
}

static struct flow *flow_create(struct flow_table *t, const struct flow_key *k,
				uint64_t h, const struct pkt_layer *l,
				bool swapped, uint16_t input_index)
{
	struct flow *f = flow_alloc(t);

	if (!f) {
		t->st.flow_alloc_failures++;
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->hash = h;
	f->hash_next = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = f;
	f->initiator_is_a = !swapped;
	f->timeout_class = TC_NONE;
	f->tcp_state = k->proto == IPPROTO_NUM_TCP ? TCP_STATE_ESTABLISHED :
						     TCP_STATE_NONE;
	f->start_ns = t->now;
	f->active_mark_ns = t->now;
	active_append(&t->active, f);
	if (t->active_ns && t->now + t->active_ns < t->next_due)
		t->next_due = t->now + t->active_ns;
	f->seq = t->next_seq++;
	if (proto_is_icmp(k->proto)) {
		f->icmp_type = l->icmp_type;
		f->icmp_code = l->icmp_code;
	}
	f->tunnel = l->tunnel;
	f->has_vni = l->has_vni;
	f->input_index = input_index;
	/* The Community ID (a SHA-1) is computed when first needed: by the
	 * record writer, or here only to break a tie in the output order. */
	t->st.flows_created++;
	t->st.flows_active++;
	return f;
}

/* ---- TCP --------------------------------------------------------------- */

static void flow_swap_roles(struct flow *f)
{
	struct flow_side tmp = f->side[0];

	f->side[0] = f->side[1];
	f->side[1] = tmp;
	f->initiator_is_a ^= 1;
	f->fin_seen = (uint8_t)(((f->fin_seen & 1) << 1) |
				((f->fin_seen >> 1) & 1));
	/* The Community ID needs no update: for TCP it orders the endpoints
	 * itself, so both directions give the same hash. */
}

/*
 * A pure SYN (SYN without ACK) marks its sender as the initiator; a
 * SYN-ACK marks its receiver. Applied whenever one is seen: a capture that
 * starts on the SYN-ACK, or a flow first seen mid-stream from the server,
 * gets its client back as the source. Returns the packet's side after the
 * correction.
 */
static int tcp_fix_initiator(struct flow *f, uint8_t flags, int side)
{
	uint8_t sa = flags & (TCPF_SYN | TCPF_ACK);

	if ((sa == TCPF_SYN && side == 1) ||
	    (sa == (TCPF_SYN | TCPF_ACK) && side == 0)) {
		flow_swap_roles(f);
		side ^= 1;
	}
	return side;
}

/* After the packet was counted. */
static void tcp_update_state(struct flow *f, uint8_t flags, int side)
{
	if (f->tcp_state == TCP_STATE_CLOSING)
		return;
	if (flags & TCPF_FIN)
		f->fin_seen |= (uint8_t)(1u << side);
	if ((flags & TCPF_RST) || f->fin_seen == 3) {
		f->tcp_state = TCP_STATE_CLOSING;
		return;
	}
	if (f->side[0].packets && f->side[1].packets)
		f->tcp_state = TCP_STATE_ESTABLISHED;	/* answered */
	else if (flow_is_new(f) &&
		 (flags & (TCPF_SYN | TCPF_ACK | TCPF_FIN)) == TCPF_SYN)
		f->tcp_state = TCP_STATE_SYN;
}

static enum timeout_class class_of(const struct flow *f)
{
	switch (f->key.proto) {
	case IPPROTO_NUM_TCP:
		if (f->tcp_state == TCP_STATE_SYN)
			return TC_TCP_SYN;
		if (f->tcp_state == TCP_STATE_CLOSING)
			return TC_TCP_CLOSING;
		return TC_TCP;
	case IPPROTO_NUM_UDP:
		return TC_UDP;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		return TC_ICMP;
	default:
		return TC_OTHER;
	}
}

/*
 * Puts the flow at the tail of its class's list after a packet. A closing
 * TCP flow keeps its place: its linger runs from the packet that closed
 * it, and the last ACK or a retransmission does not extend it.
 */
static void lru_touch(struct flow_table *t, struct flow *f)
{
	enum timeout_class c = class_of(f);

	if (c != f->timeout_class) {
		if (f->timeout_class != TC_NONE)
			lru_unlink(&t->lru[f->timeout_class], f);
		f->timeout_class = (uint8_t)c;
	} else if (c == TC_TCP_CLOSING) {
		return;
	} else {
		f->lru_ns = t->now;
		if (t->lru[c].tail == f)
			return;
		lru_unlink(&t->lru[c], f);
	}
	f->lru_ns = t->now;
	lru_append(&t->lru[c], f);
	if (t->now + t->timeout_ns[c] < t->next_due)
		t->next_due = t->now + t->timeout_ns[c];
}

static void side_count(struct flow_side *s, uint32_t ip_bytes, uint64_t now)
{
	s->packets++;
	s->bytes += ip_bytes;
	if (!s->first_ns)
		s->first_ns = now;
	s->last_ns = now;
}

/* ---- Public ------------------------------------------------------------ */

struct flow_table *flow_table_new(const struct flow_table_config *cfg,
				  flow_emit_fn emit, void *ctx, char *err,
				  size_t errlen)
{
	struct flow_table *t;
	uint64_t nb, fmax;
	const struct flow_timeouts *to = &cfg->timeouts;

	nb = buckets_for(cfg->memcap);
	fmax = flows_max_for(cfg->memcap, nb);
	if (fmax == 0) {
		snprintf(err, errlen,
			 "flow-memcap of %llu bytes leaves room for no flow "
			 "(one takes %zu bytes, plus the hash buckets)",
			 (unsigned long long)cfg->memcap,
			 per_flow_bytes() + sizeof(struct flow *));
		return NULL;
	}
	if (fmax > SIZE_MAX / sizeof(struct flow *)) {
		snprintf(err, errlen, "flow-memcap of %llu bytes is too large",
			 (unsigned long long)cfg->memcap);
		return NULL;
	}

	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->memcap = cfg->memcap;
	t->mask = nb - 1;
	t->st.flows_max = fmax;
	t->nslabs_max = (size_t)slabs_for(fmax);
	t->buckets = calloc((size_t)nb, sizeof(*t->buckets));
	t->batch = malloc((size_t)fmax * sizeof(*t->batch));
	t->slabs = calloc(t->nslabs_max, sizeof(*t->slabs));
	if (!t->buckets || !t->batch || !t->slabs)
		goto nomem;
	t->st.memory_used = fixed_bytes(nb, fmax);

	memcpy(t->seed, cfg->seed, sizeof(t->seed));
	t->timeout_ns[TC_TCP_SYN] = to->tcp_syn * NS_PER_S;
	t->timeout_ns[TC_TCP] = to->tcp_idle * NS_PER_S;
	t->timeout_ns[TC_TCP_CLOSING] = to->tcp_linger * NS_PER_S;
	t->timeout_ns[TC_UDP] = to->udp * NS_PER_S;
	t->timeout_ns[TC_ICMP] = to->icmp * NS_PER_S;
	t->timeout_ns[TC_OTHER] = to->other * NS_PER_S;
	t->active_ns = to->active * NS_PER_S;
	t->emit = emit;
	t->ctx = ctx;
	return t;

nomem:
	snprintf(err, errlen, "out of memory for a flow table of %llu bytes",
		 (unsigned long long)cfg->memcap);
	flow_table_free(t);
	return NULL;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nslabs; i++)
		free(t->slabs[i]);
	free(t->slabs);
	free(t->batch);
	free(t->buckets);
	free(t);
}

struct flow *flow_table_packet(struct flow_table *t, const struct pkt_layer *l,
			       uint64_t ts_ns, uint16_t input_index, int *side)
{
	struct flow_key k;
	struct flow *f;
	uint64_t h;
	bool swapped;
	int s;

	/* Expire what is due first, so a packet arriving after its flow's
	 * timeout starts a new flow even if the caller did not advance. Cheap:
	 * a look at each list's head. */
	flow_table_advance(t, ts_ns);

	swapped = key_build(&k, &l->t, layer_keys_ports(l), l);
	h = key_hash(t, &k);
	f = hash_lookup(t, &k, h);
	if (!f) {
		f = flow_create(t, &k, h, l, swapped, input_index);
		if (!f)
			return NULL;
	}

	s = side_of(f, swapped);
	if (k.proto == IPPROTO_NUM_TCP)
		s = tcp_fix_initiator(f, l->tcp_flags, s);
	side_count(&f->side[s], l->ip_bytes, t->now);
	f->last_ns = t->now;
	if (k.proto == IPPROTO_NUM_TCP) {
		f->side[s].tcp_flags |= l->tcp_flags;
		tcp_update_state(f, l->tcp_flags, s);
	}
	lru_touch(t, f);
	if (side)
		*side = s;
	return f;
}

struct flow *flow_table_find_quoted(struct flow_table *t,
				    const struct pkt_layer *icmp_layer,
				    int *side)
{
	const struct flow_tuple *q = &icmp_layer->quoted;
	struct flow_key k;
	struct flow *f;
	bool ports, swapped;

	if (!icmp_layer->has_quoted)
		return NULL;
	ports = q->proto == IPPROTO_NUM_TCP || q->proto == IPPROTO_NUM_UDP ||
		q->proto == IPPROTO_NUM_SCTP || proto_is_icmp(q->proto);
	swapped = key_build(&k, q, ports, icmp_layer);
	f = hash_lookup(t, &k, key_hash(t, &k));
	if (f && side)
		*side = side_of(f, swapped);
	return f;
}

void flow_table_count(struct flow_table *t, struct flow *f, int side,
		      uint32_t ip_bytes, uint64_t ts_ns)
{
	/* Moves the clock without expiring anything: f must stay valid. The
	 * next advance pops whatever this made due. */
	if (ts_ns > t->now)
		t->now = ts_ns;
	side_count(&f->side[side ? 1 : 0], ip_bytes, t->now);
	f->last_ns = t->now;
	lru_touch(t, f);
}

/* How a flow in the closing class ended: RST wins over FIN. */
static enum flow_end_reason closed_reason(const struct flow *f)
{
	return ((f->side[0].tcp_flags | f->side[1].tcp_flags) & TCPF_RST)
		       ? FLOW_END_RST : FLOW_END_FIN;
}

void flow_table_advance(struct flow_table *t, uint64_t now_ns)
{
	uint64_t now;

	if (now_ns > t->now)
		t->now = now_ns;
	now = t->now;

	/* Every list is ordered by deadline (flows join at the tail with
	 * the current time), so nothing is due before the earliest head's;
	 * next_due is a lower bound of that. The common case: one compare. */
	if (now < t->next_due) {
		if (t->nbatch)
			batch_emit(t);
		return;
	}

	for (unsigned c = 0; c < TC_COUNT; c++) {
		struct flow *f;

		while ((f = t->lru[c].head) &&
		       f->lru_ns + t->timeout_ns[c] <= now) {
			flow_detach(t, f, c == TC_TCP_CLOSING ? closed_reason(f)
							      : FLOW_END_IDLE_TIMEOUT);
		}
	}

	if (t->active_ns) {
		struct flow *f;

		while ((f = t->active.head) &&
		       f->active_mark_ns + t->active_ns <= now) {
			f->end_reason = FLOW_END_ACTIVE_TIMEOUT;
			f->interim_sent = true;
			f->active_mark_ns = now;
			active_unlink(&t->active, f);
			active_append(&t->active, f);
			t->batch[t->nbatch++] = f;
		}
	}

	t->next_due = UINT64_MAX;
	for (unsigned c = 0; c < TC_COUNT; c++)
		if (t->lru[c].head &&
		    t->lru[c].head->lru_ns + t->timeout_ns[c] < t->next_due)
			t->next_due = t->lru[c].head->lru_ns + t->timeout_ns[c];
	if (t->active_ns && t->active.head &&
	    t->active.head->active_mark_ns + t->active_ns < t->next_due)
		t->next_due = t->active.head->active_mark_ns + t->active_ns;

	if (t->nbatch)
		batch_emit(t);
}

/*
 * Ends every flow. A TCP flow already closed (FIN both ways or RST) and
 * only lingering for stray segments ended the way it closed, whatever
 * stopped the run: its record says fin or rst, not end_of_input.
 */
void flow_table_flush(struct flow_table *t, enum flow_end_reason why)
{
	for (unsigned c = 0; c < TC_COUNT; c++)
		while (t->lru[c].head)
			flow_detach(t, t->lru[c].head,
				    c == TC_TCP_CLOSING
					    ? closed_reason(t->lru[c].head)
					    : why);
	if (t->nbatch)
		batch_emit(t);
}

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s)
{
	*s = t->st;
}

/*
 * Every live flow, in slab order (allocation, not the hash seed): a
 * sequential walk, far cheaper than chasing the LRU lists. A slab slot is
 * live when it sits in an LRU list; freed and never-used slots are not.
 */
void flow_table_foreach(struct flow_table *t,
			void (*fn)(void *ctx, const struct flow *f), void *ctx)
{
	for (size_t i = 0; i < t->nslabs; i++) {
		const struct flow *s = t->slabs[i];
		size_t n = i + 1 < t->nslabs ? FLOWS_PER_SLAB
					     : (size_t)(t->slab_next - t->slabs[i]);

		for (size_t j = 0; j < n; j++)
			if (s[j].timeout_class != TC_NONE)
				fn(ctx, &s[j]);
	}
}
