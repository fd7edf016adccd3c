/* test_prefix_map.c: longest-prefix match in geo/prefix_map.c, checked by
 * hand on nested prefixes and against a brute-force scan on random ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "geo/prefix_map.h"

static struct geo_prefix P(const char *s)
{
	struct geo_prefix p;
	char err[64];

	if (!geo_prefix_parse(s, &p, err, sizeof(err)))
		fail_msg("%s: %s", s, err);
	return p;
}

static void *look(const struct prefix_map *m, const char *ip, uint8_t *len)
{
	struct geo_addr a;

	assert_true(geo_addr_parse(ip, &a));
	return prefix_map_lookup(m, &a, len);
}

static char V[16];	/* distinct addresses to use as values */

static void test_nested(void **state)
{
	struct prefix_map *m = prefix_map_new();
	struct geo_prefix p;
	uint8_t len = 99;

	(void)state;
	assert_non_null(m);
	assert_null(look(m, "10.1.2.3", &len));
	assert_int_equal(len, 99);	/* untouched on a miss */

	/* Inserted in an order that forces splits both ways. */
	p = P("10.1.0.0/16");
	assert_true(prefix_map_insert(m, &p, &V[1], NULL));
	p = P("10.1.2.0/24");
	assert_true(prefix_map_insert(m, &p, &V[2], NULL));
	p = P("10.0.0.0/8");
	assert_true(prefix_map_insert(m, &p, &V[3], NULL));
	p = P("10.1.2.3/32");
	assert_true(prefix_map_insert(m, &p, &V[4], NULL));
	p = P("10.1.3.0/24");	/* sibling of /24: valueless branch above */
	assert_true(prefix_map_insert(m, &p, &V[5], NULL));
	assert_int_equal(prefix_map_count(m), 5);

	assert_ptr_equal(look(m, "10.1.2.3", &len), &V[4]);
	assert_int_equal(len, 32);
	assert_ptr_equal(look(m, "10.1.2.4", &len), &V[2]);
	assert_int_equal(len, 24);
	assert_ptr_equal(look(m, "10.1.3.255", &len), &V[5]);
	assert_ptr_equal(look(m, "10.1.4.0", &len), &V[1]);
	assert_int_equal(len, 16);
	assert_ptr_equal(look(m, "10.200.0.0", &len), &V[3]);
	assert_int_equal(len, 8);
	assert_null(look(m, "11.0.0.0", NULL));
	assert_null(look(m, "9.255.255.255", NULL));

	/* /0 catches the rest of its family only. */
	p = P("0.0.0.0/0");
	assert_true(prefix_map_insert(m, &p, &V[6], NULL));
	assert_ptr_equal(look(m, "11.0.0.0", &len), &V[6]);
	assert_int_equal(len, 0);
	assert_ptr_equal(look(m, "10.1.2.3", NULL), &V[4]);
	assert_null(look(m, "::1", NULL));
	assert_null(look(m, "::a01:203", NULL));	/* same bytes as 10.1.2.3 */
	prefix_map_free(m);
}

static void test_v6_and_separation(void **state)
{
	struct prefix_map *m = prefix_map_new();
	struct geo_prefix p;
	uint8_t len;

	(void)state;
	p = P("2001:db8::/32");
	assert_true(prefix_map_insert(m, &p, &V[1], NULL));
	p = P("2001:db8:1::/48");
	assert_true(prefix_map_insert(m, &p, &V[2], NULL));
	p = P("2001:db8:1::1/128");
	assert_true(prefix_map_insert(m, &p, &V[3], NULL));
	p = P("::/0");
	assert_true(prefix_map_insert(m, &p, &V[4], NULL));
	p = P("32.1.13.184/32");	/* 2001:db8 as IPv4 bytes */
	assert_true(prefix_map_insert(m, &p, &V[5], NULL));

	assert_ptr_equal(look(m, "2001:db8:1::1", &len), &V[3]);
	assert_int_equal(len, 128);
	assert_ptr_equal(look(m, "2001:db8:1::2", &len), &V[2]);
	assert_int_equal(len, 48);
	assert_ptr_equal(look(m, "2001:db8:2::", &len), &V[1]);
	assert_ptr_equal(look(m, "2001:db9::", &len), &V[4]);
	assert_int_equal(len, 0);
	assert_ptr_equal(look(m, "32.1.13.184", NULL), &V[5]);
	assert_null(look(m, "32.1.13.185", NULL));

	/* Unknown family and NULL map. */
	struct geo_addr odd = { .family = 5 };
	assert_null(prefix_map_lookup(m, &odd, NULL));
	struct geo_prefix oddp = { .addr = { .family = 5 }, .len = 1 };
	assert_false(prefix_map_insert(m, &oddp, &V[1], NULL));
	struct geo_prefix longp = P("1.2.3.4/32");
	longp.len = 33;
	assert_false(prefix_map_insert(m, &longp, &V[1], NULL));
	assert_null(prefix_map_lookup(NULL, &odd, NULL));
	assert_int_equal(prefix_map_count(NULL), 0);
	prefix_map_free(m);
	prefix_map_free(NULL);
}

static void test_duplicates(void **state)
{
	struct prefix_map *m = prefix_map_new();
	struct geo_prefix p = P("35.180.0.0/16");
	void *old = &V[9];

	(void)state;
	assert_true(prefix_map_insert(m, &p, &V[1], &old));
	assert_null(old);
	assert_false(prefix_map_insert(m, &p, &V[2], &old));
	assert_ptr_equal(old, &V[1]);
	assert_int_equal(prefix_map_count(m), 1);
	assert_ptr_equal(look(m, "35.180.1.1", NULL), &V[1]);
	/* A value-less branch node filled in later is not a duplicate. */
	p = P("35.180.0.0/17");
	assert_true(prefix_map_insert(m, &p, &V[3], NULL));
	p = P("35.180.128.0/17");
	assert_true(prefix_map_insert(m, &p, &V[4], NULL));
	p = P("35.0.0.0/8");
	assert_true(prefix_map_insert(m, &p, &V[5], NULL));
	assert_int_equal(prefix_map_count(m), 4);
	assert_ptr_equal(look(m, "35.180.200.1", NULL), &V[4]);
	assert_ptr_equal(look(m, "35.181.0.1", NULL), &V[5]);
	prefix_map_free(m);
}

/* xorshift64: a fixed sequence so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void random_prefix(struct geo_prefix *p, bool v6)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = v6 ? 6 : 4;
	/* Few top bytes so prefixes nest and collide often. */
	for (int i = 0; i < (v6 ? 16 : 4); i++)
		p->addr.b[i] = (uint8_t)rnd();
	p->addr.b[0] &= 0x0f;
	p->len = (uint8_t)(rnd() % (v6 ? 129 : 33));
	for (unsigned i = p->len; i < (v6 ? 128u : 32u); i++)
		p->addr.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static void test_random_vs_brute_force(void **state)
{
	enum { N = 100000, Q = 3000 };
	struct geo_prefix *ps = malloc(N * sizeof(*ps));
	bool *inserted = calloc(N, sizeof(bool));
	struct prefix_map *m = prefix_map_new();
	size_t count = 0;

	(void)state;
	assert_non_null(ps);
	for (size_t i = 0; i < N; i++) {
		void *old;

		random_prefix(&ps[i], i % 2);
		if (prefix_map_insert(m, &ps[i], &ps[i], &old)) {
			inserted[i] = true;
			count++;
		} else {
			/* Only a real duplicate may be refused. */
			const struct geo_prefix *o = old;

			assert_non_null(o);
			assert_int_equal(o->len, ps[i].len);
			assert_memory_equal(o->addr.b, ps[i].addr.b, 16);
		}
	}
	assert_int_equal(prefix_map_count(m), count);

	for (size_t q = 0; q < Q; q++) {
		struct geo_addr a;
		const struct geo_prefix *best = NULL, *got;
		uint8_t len = 0;

		/* Half the queries inside a known prefix, half anywhere. */
		if (q % 2) {
			a = ps[rnd() % N].addr;
			for (int i = 15; i >= 0; i--)
				if (rnd() % 2)
					a.b[i] ^= (uint8_t)rnd();
			if (a.family == 4)
				memset(a.b + 4, 0, 12);
			a.b[0] &= 0x0f;
		} else {
			struct geo_prefix r;

			random_prefix(&r, q % 4 == 0);
			a = r.addr;
		}
		for (size_t i = 0; i < N; i++)
			if (inserted[i] && geo_prefix_contains(&ps[i], &a) &&
			    (!best || ps[i].len > best->len))
				best = &ps[i];
		got = prefix_map_lookup(m, &a, &len);
		assert_ptr_equal(got, best);
		if (best)
			assert_int_equal(len, best->len);
	}
	prefix_map_free(m);
	free(ps);
	free(inserted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_v6_and_separation),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_random_vs_brute_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
