/*
 * prefix_map.h: longest-prefix match from IP prefixes to values.
 *
 * A binary trie per family (path-compressed or not; the interface hides
 * it). Values are opaque pointers owned by the caller. Built once at load
 * time, read-only afterwards, so look-ups need no locks.
 */
#ifndef BERGERIE_GEO_PREFIX_MAP_H
#define BERGERIE_GEO_PREFIX_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct prefix_map;

struct prefix_map *prefix_map_new(void);
void prefix_map_free(struct prefix_map *m);

/*
 * Adds p -> value. Returns false when p is already present (the existing
 * value is kept and *existing, if not NULL, is set to it) or when memory
 * runs out (*existing NULL).
 */
bool prefix_map_insert(struct prefix_map *m, const struct geo_prefix *p,
		       void *value, void **existing);

/* The value of the longest prefix containing a, or NULL; *len_out (if not
 * NULL) gets that prefix's length. */
void *prefix_map_lookup(const struct prefix_map *m, const struct geo_addr *a,
			uint8_t *len_out);

size_t prefix_map_count(const struct prefix_map *m);

#endif
