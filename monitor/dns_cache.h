/*
 * dns_cache.h: what passive DNS taught us, bounded in bytes.
 *
 * Two kinds of entry share one table: (client address, server address) ->
 * name, the name this client resolved for that server, and (server address)
 * -> name, the most recent name any client resolved for it. A flow takes
 * the first when it exists, else the second (issue 5).
 *
 * Time is packet time. An entry lives for the record's TTL, clamped to
 * [DNS_CACHE_TTL_FLOOR, DNS_CACHE_TTL_CAP] seconds: the cap because a TTL
 * of weeks (or a hostile 2^31 - 1) would pin stale names; the floor because
 * a TTL of 0 (or a few seconds) still means "this client is about to
 * connect to that address", and the connection that follows the answer
 * must get the name. A later answer for the same key replaces the name and
 * the expiry.
 *
 * Memory: a fixed pool sized from the cap (--dns-cache-memcap, bytes) at
 * creation; when it is full the least recently learned entry goes, and
 * when that entry had not expired yet it is counted in
 * dns_cache_memcap_evictions.
 *
 * Must never: allocate after creation, or read the wall clock.
 */
#ifndef BERGERIE_DNS_CACHE_H
#define BERGERIE_DNS_CACHE_H

#include <stdint.h>

#include "name.h"

enum {
	DNS_CACHE_TTL_FLOOR = 30,	/* seconds */
	DNS_CACHE_TTL_CAP = 86400,	/* one day */
};

/* Default --dns-cache-memcap: 16 MiB, about 50,000 entries. */
#define DNS_CACHE_DEFAULT_MEMCAP (16ull << 20)

struct dns_cache;

/* An address as the cache keys it: family 4 (b[0..3], rest 0) or 6. */
struct dns_cache_addr {
	uint8_t family;
	uint8_t b[16];
};

/* NULL when out of memory. A cap too small for one entry gives a cache
 * that learns nothing (every lookup misses). */
struct dns_cache *dns_cache_new(uint64_t memcap, const uint8_t seed[16]);
void dns_cache_free(struct dns_cache *c);

/* Client resolved server's address to name (sanitised, non-empty) with a
 * TTL in seconds, at packet time now_ns. */
void dns_cache_learn(struct dns_cache *c, const struct dns_cache_addr *client,
		     const struct dns_cache_addr *server, const char *name,
		     uint32_t ttl, uint64_t now_ns);

/*
 * The name for a connection from client to server at now_ns: the client's
 * own most recent unexpired answer, else any client's; NULL when none.
 * *own is set to whether it was the client's own. The string lives until
 * the next dns_cache_learn() or dns_cache_free().
 */
const char *dns_cache_lookup(struct dns_cache *c,
			     const struct dns_cache_addr *client,
			     const struct dns_cache_addr *server,
			     uint64_t now_ns, int *own);

struct dns_cache_stats {
	uint64_t entries;		/* live entries (expired ones included
					 * until they are met or evicted) */
	uint64_t entries_max;		/* what the cap allows */
	uint64_t memory_used;		/* bytes held by the pool and buckets */
	uint64_t dns_cache_memcap_evictions;
};

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *out);

#endif
