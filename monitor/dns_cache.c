/*
 * dns_cache.c: the passive DNS table (dns_cache.h).
 *
 * A fixed array of entries carved from the cap at creation, a power-of-two
 * bucket array of 32-bit indices chained through the entries, and one LRU
 * list in order of learning (head: newest). Keys are hashed with
 * SipHash-1-3 under the caller's seed, so crafted answers cannot pile into
 * one bucket.
 */
#include "dns_cache.h"

#include <stdlib.h>
#include <string.h>

#include "siphash.h"

#define NIL UINT32_MAX

enum { KIND_PAIR = 1, KIND_SERVER = 2 };

/* Every input of the key is here: the kind, both families, both addresses
 * (client all zero for KIND_SERVER). Compared with memcmp. */
struct cache_key {
	uint8_t client[16];
	uint8_t server[16];
	uint8_t cfam, sfam, kind, pad;
};

struct cache_entry {
	struct cache_key key;
	uint32_t hnext;			/* bucket chain, or free list */
	uint32_t lru_prev, lru_next;
	uint64_t expiry_ns;
	char name[NAME_MAX_LEN + 1];
};

struct dns_cache {
	struct cache_entry *e;
	uint32_t *bucket;
	uint32_t nentries, nbuckets;	/* nbuckets: a power of two */
	uint32_t used;			/* live entries */
	uint32_t fresh;			/* entries never used: [fresh, n) */
	uint32_t free_head;		/* entries freed since */
	uint32_t lru_head, lru_tail;
	uint64_t memory;
	uint64_t evictions;
	uint8_t seed[SIPHASH_KEY_LEN];
};

struct dns_cache *dns_cache_new(uint64_t memcap, const uint8_t seed[16])
{
	struct dns_cache *c = calloc(1, sizeof(*c));
	uint64_t per = sizeof(struct cache_entry) + 2 * sizeof(uint32_t);
	uint64_t n = memcap / per;

	if (!c)
		return NULL;
	memcpy(c->seed, seed, SIPHASH_KEY_LEN);
	c->free_head = c->lru_head = c->lru_tail = NIL;
	if (n > (1u << 30))
		n = 1u << 30;
	if (n < 2)	/* one answer takes two entries */
		return c;	/* learns nothing */
	c->nbuckets = 1;
	while (c->nbuckets < n)
		c->nbuckets <<= 1;
	/* Fewer buckets than entries (at most 2x) keeps within the cap. */
	if ((uint64_t)c->nbuckets > 2 * n)
		c->nbuckets >>= 1;
	c->nentries = (uint32_t)n;
	c->e = calloc(n, sizeof(*c->e));
	c->bucket = malloc((size_t)c->nbuckets * sizeof(*c->bucket));
	if (!c->e || !c->bucket) {
		dns_cache_free(c);
		return NULL;
	}
	memset(c->bucket, 0xff, (size_t)c->nbuckets * sizeof(*c->bucket));
	c->memory = n * sizeof(struct cache_entry) +
		    (uint64_t)c->nbuckets * sizeof(uint32_t);
	return c;
}

void dns_cache_free(struct dns_cache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->bucket);
	free(c);
}

static uint32_t bucket_of(const struct dns_cache *c, const struct cache_key *k)
{
	return (uint32_t)siphash13(c->seed, k, sizeof(*k)) & (c->nbuckets - 1);
}

static void make_key(struct cache_key *k, int kind,
		     const struct dns_cache_addr *client,
		     const struct dns_cache_addr *server)
{
	memset(k, 0, sizeof(*k));
	k->kind = (uint8_t)kind;
	if (kind == KIND_PAIR) {
		memcpy(k->client, client->b, 16);
		k->cfam = client->family;
	}
	memcpy(k->server, server->b, 16);
	k->sfam = server->family;
}

static void lru_unlink(struct dns_cache *c, uint32_t i)
{
	struct cache_entry *e = &c->e[i];

	if (e->lru_prev != NIL)
		c->e[e->lru_prev].lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next != NIL)
		c->e[e->lru_next].lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
}

static void lru_push_head(struct dns_cache *c, uint32_t i)
{
	struct cache_entry *e = &c->e[i];

	e->lru_prev = NIL;
	e->lru_next = c->lru_head;
	if (c->lru_head != NIL)
		c->e[c->lru_head].lru_prev = i;
	else
		c->lru_tail = i;
	c->lru_head = i;
}

/* Unlinks entry i from its bucket and the LRU list and frees it. */
static void entry_remove(struct dns_cache *c, uint32_t i)
{
	uint32_t *pp = &c->bucket[bucket_of(c, &c->e[i].key)];

	while (*pp != NIL && *pp != i)
		pp = &c->e[*pp].hnext;
	if (*pp == i)
		*pp = c->e[i].hnext;
	lru_unlink(c, i);
	c->e[i].hnext = c->free_head;
	c->free_head = i;
	c->used--;
}

static uint32_t entry_find(const struct dns_cache *c, const struct cache_key *k)
{
	uint32_t i = c->bucket[bucket_of(c, k)];

	while (i != NIL && memcmp(&c->e[i].key, k, sizeof(*k)) != 0)
		i = c->e[i].hnext;
	return i;
}

static uint32_t entry_alloc(struct dns_cache *c, uint64_t now_ns)
{
	uint32_t i;

	if (c->free_head == NIL && c->fresh == c->nentries) {
		/* Full: the least recently learned entry goes. */
		i = c->lru_tail;
		if (c->e[i].expiry_ns > now_ns)
			c->evictions++;
		entry_remove(c, i);
	}
	if (c->free_head != NIL) {
		i = c->free_head;
		c->free_head = c->e[i].hnext;
	} else {
		i = c->fresh++;
	}
	c->used++;
	return i;
}

static void learn_one(struct dns_cache *c, const struct cache_key *k,
		      const char *name, uint64_t expiry, uint64_t now_ns)
{
	uint32_t i = entry_find(c, k), b;
	struct cache_entry *e;
	size_t len;

	if (i != NIL) {
		lru_unlink(c, i);
	} else {
		i = entry_alloc(c, now_ns);
		e = &c->e[i];
		e->key = *k;
		b = bucket_of(c, k);
		e->hnext = c->bucket[b];
		c->bucket[b] = i;
	}
	e = &c->e[i];
	lru_push_head(c, i);
	e->expiry_ns = expiry;
	len = strnlen(name, NAME_MAX_LEN);
	memcpy(e->name, name, len);
	e->name[len] = '\0';
}

void dns_cache_learn(struct dns_cache *c, const struct dns_cache_addr *client,
		     const struct dns_cache_addr *server, const char *name,
		     uint32_t ttl, uint64_t now_ns)
{
	struct cache_key k;
	uint64_t expiry;

	if (!c->nentries || !name[0])
		return;
	if (ttl < DNS_CACHE_TTL_FLOOR)
		ttl = DNS_CACHE_TTL_FLOOR;
	if (ttl > DNS_CACHE_TTL_CAP)
		ttl = DNS_CACHE_TTL_CAP;
	expiry = now_ns + (uint64_t)ttl * 1000000000ull;
	make_key(&k, KIND_PAIR, client, server);
	learn_one(c, &k, name, expiry, now_ns);
	make_key(&k, KIND_SERVER, client, server);
	learn_one(c, &k, name, expiry, now_ns);
}

/* The unexpired entry for k, or NULL; an expired one is dropped. */
static const char *lookup_one(struct dns_cache *c, const struct cache_key *k,
			      uint64_t now_ns)
{
	uint32_t i = entry_find(c, k);

	if (i == NIL)
		return NULL;
	if (c->e[i].expiry_ns <= now_ns) {
		entry_remove(c, i);
		return NULL;
	}
	return c->e[i].name;
}

const char *dns_cache_lookup(struct dns_cache *c,
			     const struct dns_cache_addr *client,
			     const struct dns_cache_addr *server,
			     uint64_t now_ns, int *own)
{
	struct cache_key k;
	const char *name;

	*own = 0;
	if (!c->used)
		return NULL;
	make_key(&k, KIND_PAIR, client, server);
	name = lookup_one(c, &k, now_ns);
	if (name) {
		*own = 1;
		return name;
	}
	make_key(&k, KIND_SERVER, client, server);
	return lookup_one(c, &k, now_ns);
}

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *out)
{
	out->entries = c->used;
	out->entries_max = c->nentries;
	out->memory_used = c->memory;
	out->dns_cache_memcap_evictions = c->evictions;
}
