/*
 * test_dns_cache.c: the passive DNS table: own answer over any client's,
 * TTL floor and cap on packet time, replacement, the memory cap and its
 * counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/dns_cache.h"

#define SEC 1000000000ull

static const uint8_t seed[16] = { 1, 2, 3 };

static struct dns_cache_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct dns_cache_addr x;

	memset(&x, 0, sizeof(x));
	x.family = 4;
	x.b[0] = a; x.b[1] = b; x.b[2] = c; x.b[3] = d;
	return x;
}

static void test_own_then_any(void **state)
{
	struct dns_cache *c = dns_cache_new(1 << 20, seed);
	struct dns_cache_addr ca = v4(10, 0, 0, 1), cb = v4(10, 0, 0, 2),
			      cc = v4(10, 0, 0, 3), s = v4(192, 0, 2, 1);
	int own;

	(void)state;
	dns_cache_learn(c, &ca, &s, "a.example", 300, 1 * SEC);
	dns_cache_learn(c, &cb, &s, "b.example", 300, 2 * SEC);
	assert_string_equal(dns_cache_lookup(c, &ca, &s, 3 * SEC, &own),
			    "a.example");
	assert_int_equal(own, 1);
	assert_string_equal(dns_cache_lookup(c, &cc, &s, 3 * SEC, &own),
			    "b.example");
	assert_int_equal(own, 0);
	/* Expiry is exclusive at learn + TTL. */
	assert_non_null(dns_cache_lookup(c, &ca, &s, 301 * SEC - 1, &own));
	assert_string_equal(dns_cache_lookup(c, &ca, &s, 301 * SEC, &own),
			    "b.example");
	assert_null(dns_cache_lookup(c, &ca, &s, 302 * SEC, &own));
	dns_cache_free(c);
}

static void test_ttl_floor_and_cap(void **state)
{
	struct dns_cache *c = dns_cache_new(1 << 20, seed);
	struct dns_cache_addr ca = v4(10, 0, 0, 1), s = v4(192, 0, 2, 1),
			      s2 = v4(192, 0, 2, 2);
	int own;

	(void)state;
	dns_cache_learn(c, &ca, &s, "zero.example", 0, 0);
	assert_non_null(dns_cache_lookup(c, &ca, &s,
					 DNS_CACHE_TTL_FLOOR * SEC - 1, &own));
	assert_null(dns_cache_lookup(c, &ca, &s, DNS_CACHE_TTL_FLOOR * SEC,
				     &own));
	dns_cache_learn(c, &ca, &s2, "long.example", 0x7fffffff, 0);
	assert_non_null(dns_cache_lookup(c, &ca, &s2,
					 DNS_CACHE_TTL_CAP * SEC - 1, &own));
	assert_null(dns_cache_lookup(c, &ca, &s2, DNS_CACHE_TTL_CAP * SEC,
				     &own));
	dns_cache_free(c);
}

static void test_replace_and_family(void **state)
{
	struct dns_cache *c = dns_cache_new(1 << 20, seed);
	struct dns_cache_addr ca = v4(10, 0, 0, 1), s = v4(192, 0, 2, 1), s6;
	int own;

	(void)state;
	s6 = s;
	s6.family = 6;	/* same bytes, other family: another key */
	dns_cache_learn(c, &ca, &s, "old.example", 300, 0);
	dns_cache_learn(c, &ca, &s, "new.example", 300, 1 * SEC);
	assert_string_equal(dns_cache_lookup(c, &ca, &s, 2 * SEC, &own),
			    "new.example");
	assert_null(dns_cache_lookup(c, &ca, &s6, 2 * SEC, &own));
	dns_cache_free(c);
}

static void test_memcap(void **state)
{
	struct dns_cache *c = dns_cache_new(16 * 1024, seed);
	struct dns_cache_stats st;
	struct dns_cache_addr ca = v4(10, 0, 0, 1), s;
	int own;
	char name[32];

	(void)state;
	dns_cache_stats(c, &st);
	assert_true(st.entries_max >= 2);
	assert_true(st.memory_used <= 16 * 1024);
	for (unsigned i = 0; i < 1000; i++) {
		s = v4(198, 51, (uint8_t)(i >> 8), (uint8_t)i);
		snprintf(name, sizeof(name), "h%u.example", i);
		dns_cache_learn(c, &ca, &s, name, 300, 1 * SEC);
	}
	dns_cache_stats(c, &st);
	assert_int_equal(st.entries, st.entries_max);
	assert_int_equal(st.dns_cache_memcap_evictions,
			 2 * 1000 - st.entries_max);
	/* The newest is there, the oldest gone. */
	s = v4(198, 51, 3, 231);
	assert_string_equal(dns_cache_lookup(c, &ca, &s, 2 * SEC, &own),
			    "h999.example");
	s = v4(198, 51, 0, 0);
	assert_null(dns_cache_lookup(c, &ca, &s, 2 * SEC, &own));
	dns_cache_free(c);

	/* A cap too small for one answer: learns nothing. */
	c = dns_cache_new(100, seed);
	dns_cache_learn(c, &ca, &s, "x.example", 300, 0);
	assert_null(dns_cache_lookup(c, &ca, &s, 1, &own));
	dns_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_then_any),
		cmocka_unit_test(test_ttl_floor_and_cap),
		cmocka_unit_test(test_replace_and_family),
		cmocka_unit_test(test_memcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
