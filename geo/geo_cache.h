/*
 * geo_cache.h: a bounded cache from addresses to fixed-size values.
 *
 * The jurisdiction engine keeps one per engine, holding copies of
 * classification results. Values are copied in and copied out under a
 * mutex, so no caller ever holds a pointer into the cache and an eviction
 * can never pull a result from under a flow (see classify.h).
 *
 * The cap is in bytes (--geo-cache-memcap): entries and the bucket array
 * are counted, the capacity is fixed at creation, and when the cache is
 * full the CLOCK hand evicts an entry not used since its last pass,
 * counted in geo_cache_memcap_evictions. A memcap too small for one entry
 * disables caching (every look-up is a miss). Bucket indexes are hashed
 * with a random seed, so remote addresses chosen by an attacker cannot
 * pile into one chain.
 */
#ifndef BERGERIE_GEO_GEO_CACHE_H
#define BERGERIE_GEO_GEO_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct geo_cache;

struct geo_cache_stats {
	uint64_t hits, misses, inserts;
	uint64_t memcap_evictions;	/* geo_cache_memcap_evictions */
	size_t entries, capacity;
	uint64_t memcap, bytes;		/* configured, allocated */
};

/* NULL only when memory runs out. */
struct geo_cache *geo_cache_new(size_t value_size, uint64_t memcap);
void geo_cache_free(struct geo_cache *c);

/* Copies the value for a into out; false on a miss. */
bool geo_cache_get(struct geo_cache *c, const struct geo_addr *a, void *out);

/* Stores a copy of value for a, evicting if full; replaces an old value. */
void geo_cache_put(struct geo_cache *c, const struct geo_addr *a,
		   const void *value);

void geo_cache_stats(struct geo_cache *c, struct geo_cache_stats *out);

#endif
