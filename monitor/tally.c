/*
 * tally.c: a small open-addressing table of text keys, capped.
 *
 * Only flows that end reach it, so it is far from the per-packet path;
 * clarity wins over speed here.
 */
#include "tally.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct tally {
	struct tally_row *rows;	/* insertion order; the last may be (other) */
	size_t nrows, cap;
	uint32_t *slots;	/* index + 1 into rows, 0 empty */
	size_t nslots;
	bool has_other;
	uint64_t overflow;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

struct tally *tally_new(size_t cap)
{
	struct tally *t = calloc(1, sizeof(*t));
	size_t n = 16;

	if (!t)
		return NULL;
	while (n < cap * 2)
		n <<= 1;
	t->cap = cap;
	t->nslots = n;
	t->rows = calloc(cap + 1, sizeof(*t->rows));
	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->rows || !t->slots) {
		tally_free(t);
		return NULL;
	}
	return t;
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	free(t->rows);
	free(t->slots);
	free(t);
}

static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct tally_row *find_or_add(struct tally *t, const char *key,
				     const char *extra)
{
	char k[TALLY_KEY_MAX];
	size_t mask = t->nslots - 1, i;

	copy_text(k, sizeof(k), key);
	for (i = hash_key(k) & mask; t->slots[i]; i = (i + 1) & mask) {
		struct tally_row *r = &t->rows[t->slots[i] - 1];

		if (strcmp(r->key, k) == 0)
			return r;
	}
	if (t->nrows >= t->cap) {
		/* Full: the one row beyond the cap collects the rest. */
		struct tally_row *other = &t->rows[t->cap];

		if (!t->has_other) {
			copy_text(other->key, sizeof(other->key), "(other)");
			other->verdict = -1;
			t->has_other = true;
		}
		t->overflow++;
		return other;
	}
	t->slots[i] = (uint32_t)t->nrows + 1;
	struct tally_row *r = &t->rows[t->nrows++];

	copy_text(r->key, sizeof(r->key), k);
	copy_text(r->extra, sizeof(r->extra), extra);
	r->verdict = -1;
	return r;
}

void tally_add(struct tally *t, const char *key, const char *extra,
	       uint64_t bytes_out, uint64_t bytes_in, int verdict,
	       int (*worse)(int a, int b))
{
	struct tally_row *r;

	if (!t)
		return;
	r = find_or_add(t, key, extra);
	r->flows++;
	r->bytes_out += bytes_out;
	r->bytes_in += bytes_in;
	if (verdict >= 0)
		r->verdict = r->verdict < 0 || !worse ? verdict
						       : worse(r->verdict, verdict);
}

static int row_cmp(const void *x, const void *y)
{
	const struct tally_row *a = x, *b = y;

	if (a->bytes_out != b->bytes_out)
		return a->bytes_out > b->bytes_out ? -1 : 1;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	return strcmp(a->key, b->key);
}

struct tally_row *tally_sorted(const struct tally *t, size_t *n)
{
	size_t total = t->nrows + (t->has_other ? 1 : 0);
	struct tally_row *out = malloc((total ? total : 1) * sizeof(*out));

	*n = 0;
	if (!out)
		return NULL;
	memcpy(out, t->rows, t->nrows * sizeof(*out));
	if (t->has_other)
		out[t->nrows] = t->rows[t->cap];
	qsort(out, total, sizeof(*out), row_cmp);
	*n = total;
	return out;
}

uint64_t tally_overflow(const struct tally *t)
{
	return t ? t->overflow : 0;
}

static void row_add(struct tally_row *r, const struct tally_row *from,
		    int (*worse)(int a, int b))
{
	r->flows += from->flows;
	r->bytes_out += from->bytes_out;
	r->bytes_in += from->bytes_in;
	if (from->verdict >= 0)
		r->verdict = r->verdict < 0 || !worse
				     ? from->verdict
				     : worse(r->verdict, from->verdict);
}

void tally_merge(struct tally *dst, const struct tally *src,
		 int (*worse)(int a, int b))
{
	if (!dst || !src)
		return;
	for (size_t i = 0; i < src->nrows; i++)
		row_add(find_or_add(dst, src->rows[i].key, src->rows[i].extra),
			&src->rows[i], worse);
	if (src->has_other) {
		struct tally_row *other = &dst->rows[dst->cap];

		if (!dst->has_other) {
			copy_text(other->key, sizeof(other->key), "(other)");
			other->verdict = -1;
			dst->has_other = true;
		}
		row_add(other, &src->rows[src->cap], worse);
	}
	dst->overflow += src->overflow;
}
