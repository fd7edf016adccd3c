/*
 * prefix_map.c: longest-prefix match over a path-compressed binary trie.
 *
 * Jobs: map IP prefixes to caller-owned values, one trie per family, and
 * answer "the longest prefix containing this address".
 *
 * Each node holds a whole prefix (its key bits and length), so a chain of
 * one-child nodes collapses into one: a trie of n prefixes has at most
 * 2n - 1 nodes whatever the lengths. A plain bit trie would need up to 128
 * nodes per IPv6 prefix, which matters with Azure's ~60k service-tag
 * prefixes. A look-up walks at most one node per distinct prefix length on
 * its path and compares each node's key with a masked memcmp.
 *
 * Must never: modify the map during a look-up (built once, then read-only,
 * so concurrent look-ups need no lock).
 */
#include "geo/prefix_map.h"

#include <stdlib.h>
#include <string.h>

struct pm_node {
	struct pm_node *child[2];
	void *value;
	uint8_t key[16];	/* bits beyond len are zero */
	uint8_t len;
	bool has_value;
};

struct prefix_map {
	struct pm_node *root[2];	/* [0] IPv4, [1] IPv6 */
	size_t count;
};

struct prefix_map *prefix_map_new(void)
{
	return calloc(1, sizeof(struct prefix_map));
}

static void node_free(struct pm_node *n)
{
	/* Depth is bounded by the address width (129 levels), so recursion
	 * cannot run away. */
	if (!n)
		return;
	node_free(n->child[0]);
	node_free(n->child[1]);
	free(n);
}

void prefix_map_free(struct prefix_map *m)
{
	if (!m)
		return;
	node_free(m->root[0]);
	node_free(m->root[1]);
	free(m);
}

static inline unsigned bit_at(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Number of leading bits key and a share, at most limit. */
static unsigned common_bits(const uint8_t *x, const uint8_t *y, unsigned limit)
{
	unsigned i = 0;

	while (i + 8 <= limit && x[i >> 3] == y[i >> 3])
		i += 8;
	while (i < limit && bit_at(x, i) == bit_at(y, i))
		i++;
	return i;
}

/* Whether the first len bits of key and a are equal. */
static inline bool prefix_matches(const uint8_t *key, const uint8_t *a,
				  unsigned len)
{
	unsigned full = len >> 3, rem = len & 7;

	if (memcmp(key, a, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		return ((key[full] ^ a[full]) & mask) == 0;
	}
	return true;
}

static void key_mask(uint8_t *dst, const uint8_t *src, unsigned len)
{
	unsigned full = len >> 3, rem = len & 7;

	memset(dst, 0, 16);
	memcpy(dst, src, full);
	if (rem)
		dst[full] = (uint8_t)(src[full] & (0xff << (8 - rem)));
}

static struct pm_node *node_new(const uint8_t *key, unsigned len)
{
	struct pm_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	key_mask(n->key, key, len);
	n->len = (uint8_t)len;
	return n;
}

static int family_index(uint8_t family)
{
	return family == 4 ? 0 : family == 6 ? 1 : -1;
}

bool prefix_map_insert(struct prefix_map *m, const struct geo_prefix *p,
		       void *value, void **existing)
{
	int fi;
	unsigned len, maxlen;
	uint8_t key[16];
	struct pm_node **link, *n;

	if (existing)
		*existing = NULL;
	if (!m || !p)
		return false;
	fi = family_index(p->addr.family);
	maxlen = fi == 0 ? 32 : 128;
	if (fi < 0 || p->len > maxlen)
		return false;
	len = p->len;
	key_mask(key, p->addr.b, len);

	link = &m->root[fi];
	while ((n = *link) != NULL) {
		unsigned limit = n->len < len ? n->len : len;
		unsigned common = common_bits(n->key, key, limit);

		if (common < n->len) {
			/* The new prefix leaves this node's path before its
			 * end: either it is a prefix of n (becomes n's parent)
			 * or both hang under a new valueless branch node. */
			struct pm_node *mid;

			if (common == len) {
				mid = node_new(key, len);
				if (!mid)
					return false;
				mid->value = value;
				mid->has_value = true;
				mid->child[bit_at(n->key, len)] = n;
			} else {
				struct pm_node *leaf = node_new(key, len);

				mid = node_new(key, common);
				if (!mid || !leaf) {
					free(mid);
					free(leaf);
					return false;
				}
				leaf->value = value;
				leaf->has_value = true;
				mid->child[bit_at(n->key, common)] = n;
				mid->child[bit_at(key, common)] = leaf;
			}
			*link = mid;
			m->count++;
			return true;
		}
		if (n->len == len) {
			if (n->has_value) {
				if (existing)
					*existing = n->value;
				return false;
			}
			n->value = value;
			n->has_value = true;
			m->count++;
			return true;
		}
		link = &n->child[bit_at(key, n->len)];
	}
	n = node_new(key, len);
	if (!n)
		return false;
	n->value = value;
	n->has_value = true;
	*link = n;
	m->count++;
	return true;
}

void *prefix_map_lookup(const struct prefix_map *m, const struct geo_addr *a,
			uint8_t *len_out)
{
	const struct pm_node *n, *best = NULL;
	int fi;

	if (!m || !a)
		return NULL;
	fi = family_index(a->family);
	if (fi < 0)
		return NULL;
	for (n = m->root[fi]; n; ) {
		if (!prefix_matches(n->key, a->b, n->len))
			break;
		if (n->has_value)
			best = n;
		if (n->len >= (fi == 0 ? 32 : 128))
			break;
		n = n->child[bit_at(a->b, n->len)];
	}
	if (!best)
		return NULL;
	if (len_out)
		*len_out = best->len;
	return best->value;
}

size_t prefix_map_count(const struct prefix_map *m)
{
	return m ? m->count : 0;
}
