/*
 * frag_table.c: the first fragment's ports, for the fragments after it.
 *
 * Jobs: remember (ports, ICMP type/code) of a first fragment under the
 * datagram's identity; give them to later fragments until the entry is
 * timeout_s old (packet time); stay under the memory cap by evicting the
 * oldest entry (frag_memcap_evictions); count later fragments that find
 * nothing (frag_orphans).
 *
 * Every entry lives for the same timeout and is placed at the tail of one
 * FIFO when learnt, so the head is always the oldest: expiry looks at the
 * head only, and the oldest is also what the cap evicts. Entries are not
 * removed when a fragment resolves: more fragments of the datagram may
 * follow, and out-of-order arrival is common.
 *
 * Must never: allocate per packet (the entry pool is sized by the cap at
 * creation), or read the wall clock.
 */
#include <stdlib.h>
#include <string.h>

#include "frag_table.h"
#include "siphash.h"

#define NS_PER_S 1000000000ULL

/*
 * The datagram's identity: what RFC 791 (IPv4) and RFC 8200 section 4.5
 * (IPv6) say identifies a datagram's fragments (addresses, protocol, ID),
 * plus VLANs, tunnel depth and VNI so two tenants' datagrams never mix.
 * Addresses stay in packet order: every fragment goes the same way.
 * Zeroed before filling, so padding compares equal with memcmp.
 */
struct frag_key {
	struct ip_addr src, dst;
	uint32_t id;
	uint32_t vni;
	uint16_t vlan[PKT_MAX_VLANS];
	uint8_t family;
	uint8_t proto;
	uint8_t depth;
	uint8_t pad;
};

struct frag_entry {
	struct frag_key key;
	struct frag_entry *hash_next;
	struct frag_entry *prev, *next;	/* FIFO by learn time; free list */
	uint64_t hash;
	uint64_t ts_ns;			/* when learnt */
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	bool has_ports;
};

struct frag_table {
	struct frag_entry **buckets;
	uint64_t mask;
	struct frag_entry *pool;	/* entries_max, allocated at creation */
	struct frag_entry *free_list;	/* linked through next */
	struct frag_entry *head, *tail;	/* oldest first */
	uint64_t timeout_ns;
	uint64_t now;
	uint8_t seed[SIPHASH_KEY_LEN];
	uint64_t entries_max;
	struct frag_table_stats st;
};

/* 4 MiB: about 40,000 datagrams in flight at 104 bytes an entry (with its
 * bucket), far more than a sane link keeps half-delivered for 30 s, yet a
 * flood of lone first fragments cannot grow it. */
uint64_t frag_table_default_memcap(void)
{
	return 4ULL << 20;
}

static void key_build(struct frag_key *k, const struct pkt_layer *l)
{
	memset(k, 0, sizeof(*k));
	k->src = l->t.src;
	k->dst = l->t.dst;
	k->id = l->frag_id;
	k->vni = l->has_vni ? l->vni : 0;
	for (unsigned i = 0; i < l->nvlan && i < PKT_MAX_VLANS; i++)
		k->vlan[i] = l->vlan[i];
	k->family = l->t.family;
	k->proto = l->t.proto;
	k->depth = l->depth;
}

struct frag_table *frag_table_new(uint64_t memcap, uint32_t timeout_s,
				  const uint8_t seed[16])
{
	struct frag_table *ft;
	/* One entry and one bucket pointer per entry (buckets rounded down
	 * to a power of two, so never more than the entries). */
	uint64_t per = sizeof(struct frag_entry) + sizeof(struct frag_entry *);
	uint64_t n = memcap / per, nb = 1;

	if (n == 0 || n > SIZE_MAX / sizeof(struct frag_entry))
		return NULL;
	while (nb * 2 <= n)
		nb *= 2;

	ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->buckets = calloc((size_t)nb, sizeof(*ft->buckets));
	ft->pool = malloc((size_t)n * sizeof(*ft->pool));
	if (!ft->buckets || !ft->pool) {
		frag_table_free(ft);
		return NULL;
	}
	ft->mask = nb - 1;
	ft->entries_max = n;
	ft->st.frags_max = n;
	for (uint64_t i = 0; i < n; i++) {
		ft->pool[i].next = ft->free_list;
		ft->free_list = &ft->pool[i];
	}
	ft->timeout_ns = (uint64_t)timeout_s * NS_PER_S;
	memcpy(ft->seed, seed, sizeof(ft->seed));
	return ft;
}

void frag_table_free(struct frag_table *ft)
{
	if (!ft)
		return;
	free(ft->pool);
	free(ft->buckets);
	free(ft);
}

static void fifo_unlink(struct frag_table *ft, struct frag_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		ft->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		ft->tail = e->prev;
	e->prev = e->next = NULL;
}

static void fifo_append(struct frag_table *ft, struct frag_entry *e)
{
	e->next = NULL;
	e->prev = ft->tail;
	if (ft->tail)
		ft->tail->next = e;
	else
		ft->head = e;
	ft->tail = e;
}

static void entry_remove(struct frag_table *ft, struct frag_entry *e)
{
	struct frag_entry **pp = &ft->buckets[e->hash & ft->mask];

	while (*pp && *pp != e)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = e->hash_next;
	fifo_unlink(ft, e);
	e->next = ft->free_list;
	ft->free_list = e;
	ft->st.frags_tracked--;
}

/* Moves the clock (never back) and drops entries timeout_ns old or more. */
static void expire(struct frag_table *ft, uint64_t ts_ns)
{
	if (ts_ns > ft->now)
		ft->now = ts_ns;
	while (ft->head && ft->head->ts_ns + ft->timeout_ns <= ft->now)
		entry_remove(ft, ft->head);
}

static struct frag_entry *lookup(const struct frag_table *ft,
				 const struct frag_key *k, uint64_t h)
{
	struct frag_entry *e;

	for (e = ft->buckets[h & ft->mask]; e; e = e->hash_next)
		if (e->hash == h && memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	return NULL;
}

void frag_table_learn(struct frag_table *ft, const struct pkt_layer *l,
		      uint64_t ts_ns)
{
	struct frag_key k;
	struct frag_entry *e;
	uint64_t h;

	expire(ft, ts_ns);
	key_build(&k, l);
	h = siphash13(ft->seed, &k, sizeof(k));
	e = lookup(ft, &k, h);
	if (e) {
		/* A repeated first fragment: its ports win, its time too. */
		fifo_unlink(ft, e);
	} else {
		if (!ft->free_list) {
			/* At the cap: the oldest entry makes room. */
			entry_remove(ft, ft->head);
			ft->st.frag_memcap_evictions++;
		}
		e = ft->free_list;
		ft->free_list = e->next;
		e->key = k;
		e->hash = h;
		e->hash_next = ft->buckets[h & ft->mask];
		ft->buckets[h & ft->mask] = e;
		ft->st.frags_tracked++;
	}
	e->ts_ns = ft->now;
	e->sport = l->t.sport;
	e->dport = l->t.dport;
	e->icmp_type = l->icmp_type;
	e->icmp_code = l->icmp_code;
	e->has_ports = l->has_ports;
	fifo_append(ft, e);
}

bool frag_table_resolve(struct frag_table *ft, struct pkt_layer *l,
			uint64_t ts_ns)
{
	struct frag_key k;
	struct frag_entry *e;

	expire(ft, ts_ns);
	key_build(&k, l);
	e = lookup(ft, &k, siphash13(ft->seed, &k, sizeof(k)));
	if (!e) {
		ft->st.frag_orphans++;
		return false;
	}
	l->t.sport = e->sport;
	l->t.dport = e->dport;
	/* ICMP keeps has_ports false (its "ports" are the echo identifier)
	 * and needs the type of the first fragment instead. */
	l->has_ports = e->has_ports;
	l->icmp_type = e->icmp_type;
	l->icmp_code = e->icmp_code;
	return true;
}

void frag_table_stats(const struct frag_table *ft, struct frag_table_stats *s)
{
	*s = ft->st;
}
