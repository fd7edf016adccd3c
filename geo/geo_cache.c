/*
 * geo_cache.c: fixed-capacity hash table with CLOCK eviction.
 *
 * Layout: entries[capacity] each with the key, a chain link, a reference
 * bit and the value bytes; buckets[] hold 1-based entry indexes (0 is
 * empty). Memory is allocated once at creation, from the memcap.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "geo_cache.h"

struct entry {
	struct geo_addr key;
	bool used;
	bool referenced;	/* CLOCK bit: set on hit, cleared by the hand */
	uint32_t next;		/* chain, 1-based; 0 ends */
	uint32_t bucket;
	/* value bytes follow, aligned */
};

struct geo_cache {
	pthread_mutex_t lock;
	size_t value_size, entry_size;
	size_t capacity, entries_used;
	uint32_t nbuckets;	/* power of two */
	uint32_t *buckets;
	unsigned char *entries;
	size_t hand;
	uint64_t seed;
	uint64_t memcap, bytes;
	uint64_t hits, misses, inserts, evictions;
};

static struct entry *entry_at(const struct geo_cache *c, size_t i)
{
	return (struct entry *)(void *)(c->entries + i * c->entry_size);
}

static void *entry_value(struct entry *e)
{
	return (unsigned char *)e + ((sizeof(*e) + 15) & ~(size_t)15);
}

static uint32_t hash_addr(const struct geo_cache *c, const struct geo_addr *a)
{
	uint64_t x, y;

	memcpy(&x, a->b, 8);
	memcpy(&y, a->b + 8, 8);
	x ^= c->seed + a->family;
	x *= 0x9e3779b97f4a7c15ULL;
	x ^= y + (x >> 29);
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (uint32_t)x & (c->nbuckets - 1);
}

struct geo_cache *geo_cache_new(size_t value_size, uint64_t memcap)
{
	struct geo_cache *c = calloc(1, sizeof(*c));
	size_t per;

	if (c == NULL)
		return NULL;
	c->value_size = value_size;
	c->entry_size = ((sizeof(struct entry) + 15) & ~(size_t)15) +
			((value_size + 15) & ~(size_t)15);
	c->memcap = memcap;
	/* An entry costs its bytes and, at load factor 1/2 or less, two
	 * bucket slots. */
	per = c->entry_size + 2 * sizeof(uint32_t);
	c->capacity = memcap / per;
	if (c->capacity > UINT32_MAX / 4)
		c->capacity = UINT32_MAX / 4;
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c ^ 0x5bd1e995ULL;
	pthread_mutex_init(&c->lock, NULL);
	if (c->capacity == 0)
		return c;
	c->nbuckets = 1;
	while (c->nbuckets < c->capacity)
		c->nbuckets <<= 1;
	if ((uint64_t)c->nbuckets * sizeof(uint32_t) +
	    (uint64_t)c->capacity * c->entry_size > memcap) {
		/* Rounding the buckets up overshot: trim the entries. */
		uint64_t left = memcap - (uint64_t)c->nbuckets * sizeof(uint32_t);

		c->capacity = (size_t)(left / c->entry_size);
	}
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	/* calloc: pages are only touched as entries fill. */
	c->entries = calloc(c->capacity ? c->capacity : 1, c->entry_size);
	if (c->buckets == NULL || c->entries == NULL) {
		geo_cache_free(c);
		return NULL;
	}
	c->bytes = (uint64_t)c->nbuckets * sizeof(uint32_t) +
		   (uint64_t)c->capacity * c->entry_size;
	return c;
}

void geo_cache_free(struct geo_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c->entries);
	free(c);
}

static struct entry *find(struct geo_cache *c, const struct geo_addr *a)
{
	uint32_t i = c->buckets[hash_addr(c, a)];

	while (i != 0) {
		struct entry *e = entry_at(c, i - 1);

		if (geo_addr_equal(&e->key, a))
			return e;
		i = e->next;
	}
	return NULL;
}

bool geo_cache_get(struct geo_cache *c, const struct geo_addr *a, void *out)
{
	struct entry *e;

	pthread_mutex_lock(&c->lock);
	e = c->capacity ? find(c, a) : NULL;
	if (e == NULL) {
		c->misses++;
		pthread_mutex_unlock(&c->lock);
		return false;
	}
	e->referenced = true;
	memcpy(out, entry_value(e), c->value_size);
	c->hits++;
	pthread_mutex_unlock(&c->lock);
	return true;
}

static void unlink_entry(struct geo_cache *c, struct entry *e, uint32_t idx)
{
	uint32_t *link = &c->buckets[e->bucket];

	while (*link != 0 && *link != idx)
		link = &entry_at(c, *link - 1)->next;
	if (*link == idx)
		*link = e->next;
	e->used = false;
}

/* The CLOCK hand: the first slot not referenced since its last pass. */
static size_t victim(struct geo_cache *c)
{
	for (;;) {
		struct entry *e = entry_at(c, c->hand);
		size_t i = c->hand;

		c->hand = (c->hand + 1) % c->capacity;
		if (!e->referenced)
			return i;
		e->referenced = false;
	}
}

void geo_cache_put(struct geo_cache *c, const struct geo_addr *a,
		   const void *value)
{
	struct entry *e;
	size_t slot;

	pthread_mutex_lock(&c->lock);
	if (c->capacity == 0) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	e = find(c, a);
	if (e != NULL) {
		memcpy(entry_value(e), value, c->value_size);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	if (c->entries_used < c->capacity) {
		slot = c->entries_used++;
	} else {
		slot = victim(c);
		unlink_entry(c, entry_at(c, slot), (uint32_t)slot + 1);
		c->evictions++;
	}
	e = entry_at(c, slot);
	e->key = *a;
	e->used = true;
	e->referenced = false;
	e->bucket = hash_addr(c, a);
	e->next = c->buckets[e->bucket];
	c->buckets[e->bucket] = (uint32_t)slot + 1;
	memcpy(entry_value(e), value, c->value_size);
	c->inserts++;
	pthread_mutex_unlock(&c->lock);
}

void geo_cache_stats(struct geo_cache *c, struct geo_cache_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = (struct geo_cache_stats){
		.hits = c->hits,
		.misses = c->misses,
		.inserts = c->inserts,
		.memcap_evictions = c->evictions,
		.entries = c->entries_used,
		.capacity = c->capacity,
		.memcap = c->memcap,
		.bytes = c->bytes,
	};
	pthread_mutex_unlock(&c->lock);
}
