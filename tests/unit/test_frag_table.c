/*
 * test_frag_table.c: later fragments find their first fragment's ports,
 * until the entry expires or the cap evicts it. Expected values follow
 * from frag_table.h by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "monitor/frag_table.h"

#define NS 1000000000ULL
#define AT(s) (1700000000ULL * NS + (uint64_t)(s) * NS)

static const uint8_t seed[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
				  9, 10, 11, 12, 13, 14, 15, 16 };

static struct pkt_layer first(const char *src, const char *dst, uint8_t proto,
			      uint16_t sport, uint16_t dport, uint32_t id)
{
	struct pkt_layer l;
	int af = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(&l, 0, sizeof(l));
	l.t.family = af == AF_INET6 ? 6 : 4;
	assert_int_equal(inet_pton(af, src, l.t.src.b), 1);
	assert_int_equal(inet_pton(af, dst, l.t.dst.b), 1);
	l.t.proto = proto;
	l.t.sport = sport;
	l.t.dport = dport;
	l.has_ports = proto == IPPROTO_NUM_UDP || proto == IPPROTO_NUM_TCP;
	l.fragment = true;
	l.first_fragment = true;
	l.frag_id = id;
	return l;
}

/* The same datagram's later fragment: no transport header. */
static struct pkt_layer later(struct pkt_layer l)
{
	l.first_fragment = false;
	l.has_ports = false;
	l.t.sport = l.t.dport = 0;
	l.icmp_type = l.icmp_code = 0;
	return l;
}

static struct frag_table_stats stats(const struct frag_table *ft)
{
	struct frag_table_stats s;

	frag_table_stats(ft, &s);
	return s;
}

static void test_learn_resolve(void **state)
{
	struct frag_table *ft = frag_table_new(1 << 20, 30, seed);
	struct pkt_layer f = first("10.0.0.1", "10.0.0.2", IPPROTO_NUM_UDP,
				   5000, 53, 77);
	struct pkt_layer l = later(f);
	struct pkt_layer v6 = first("2001:db8::1", "2001:db8::2",
				    IPPROTO_NUM_TCP, 40000, 443, 0x12345678);
	(void)state;

	assert_non_null(ft);
	frag_table_learn(ft, &f, AT(0));
	assert_true(frag_table_resolve(ft, &l, AT(1)));
	assert_true(l.has_ports);
	assert_int_equal(l.t.sport, 5000);
	assert_int_equal(l.t.dport, 53);
	/* The entry stays for further fragments. */
	l = later(f);
	assert_true(frag_table_resolve(ft, &l, AT(2)));
	assert_int_equal(stats(ft).frags_tracked, 1);

	frag_table_learn(ft, &v6, AT(3));
	l = later(v6);
	assert_true(frag_table_resolve(ft, &l, AT(3)));
	assert_int_equal(l.t.sport, 40000);
	assert_int_equal(l.t.dport, 443);
	assert_int_equal(stats(ft).frags_tracked, 2);
	assert_int_equal(stats(ft).frag_orphans, 0);
	frag_table_free(ft);
}

static void test_orphans(void **state)
{
	struct frag_table *ft = frag_table_new(1 << 20, 30, seed);
	struct pkt_layer f = first("10.0.0.1", "10.0.0.2", IPPROTO_NUM_UDP,
				   5000, 53, 77);
	struct pkt_layer l;
	(void)state;

	/* Seen before its first fragment. */
	l = later(f);
	assert_false(frag_table_resolve(ft, &l, AT(0)));
	assert_false(l.has_ports);
	assert_int_equal(stats(ft).frag_orphans, 1);

	frag_table_learn(ft, &f, AT(0));
	/* Another IP ID, another VLAN, another depth, the reverse direction:
	 * all other datagrams. */
	l = later(f);
	l.frag_id = 78;
	assert_false(frag_table_resolve(ft, &l, AT(1)));
	l = later(f);
	l.nvlan = 1;
	l.vlan[0] = 9;
	assert_false(frag_table_resolve(ft, &l, AT(1)));
	l = later(f);
	l.depth = 1;
	assert_false(frag_table_resolve(ft, &l, AT(1)));
	l = later(f);
	l.t.src = f.t.dst;
	l.t.dst = f.t.src;
	assert_false(frag_table_resolve(ft, &l, AT(1)));
	assert_int_equal(stats(ft).frag_orphans, 5);
	frag_table_free(ft);
}

static void test_expiry(void **state)
{
	struct frag_table *ft = frag_table_new(1 << 20, 30, seed);
	struct pkt_layer f = first("10.0.0.1", "10.0.0.2", IPPROTO_NUM_UDP,
				   5000, 53, 77);
	struct pkt_layer l;
	(void)state;

	frag_table_learn(ft, &f, AT(10));
	l = later(f);
	assert_true(frag_table_resolve(ft, &l, AT(40) - 1));
	/* 30 s old: gone (inclusive boundary). */
	l = later(f);
	assert_false(frag_table_resolve(ft, &l, AT(40)));
	assert_int_equal(stats(ft).frag_orphans, 1);
	assert_int_equal(stats(ft).frags_tracked, 0);

	/* A repeated first fragment restarts the clock. */
	frag_table_learn(ft, &f, AT(100));
	frag_table_learn(ft, &f, AT(120));
	assert_int_equal(stats(ft).frags_tracked, 1);
	l = later(f);
	assert_true(frag_table_resolve(ft, &l, AT(149)));
	/* A clock going back expires nothing early, and resolves nothing
	 * late: the clock stays at 149. */
	l = later(f);
	assert_true(frag_table_resolve(ft, &l, AT(10)));
	frag_table_free(ft);
}

static void test_cap_evicts_oldest(void **state)
{
	struct frag_table *ft = frag_table_new(2048, 30, seed);
	struct pkt_layer f = first("10.0.0.1", "10.0.0.2", IPPROTO_NUM_UDP,
				   5000, 53, 0);
	struct pkt_layer l;
	uint64_t n;
	(void)state;

	assert_non_null(ft);
	n = stats(ft).frags_max;
	assert_true(n >= 2 && n * 64 <= 2048);
	/* n + 1 datagrams, one a second: the first is evicted. */
	for (uint64_t i = 0; i <= n; i++) {
		f.frag_id = (uint32_t)i;
		f.t.sport = (uint16_t)(1000 + i);
		frag_table_learn(ft, &f, AT(i));
	}
	assert_int_equal(stats(ft).frag_memcap_evictions, 1);
	assert_int_equal(stats(ft).frags_tracked, n);
	f.frag_id = 0;
	l = later(f);
	assert_false(frag_table_resolve(ft, &l, AT(n)));
	for (uint64_t i = 1; i <= n; i++) {
		f.frag_id = (uint32_t)i;
		l = later(f);
		assert_true(frag_table_resolve(ft, &l, AT(n)));
		assert_int_equal(l.t.sport, 1000 + i);
	}
	assert_int_equal(stats(ft).frag_orphans, 1);
	frag_table_free(ft);
}

static void test_icmp_echo_fragments(void **state)
{
	struct frag_table *ft = frag_table_new(1 << 20, 30, seed);
	struct pkt_layer f = first("10.0.0.1", "10.0.0.2", IPPROTO_NUM_ICMP,
				   4242, 4242, 9);
	struct pkt_layer l;
	(void)state;

	f.icmp_type = 8;
	frag_table_learn(ft, &f, AT(0));
	l = later(f);
	assert_true(frag_table_resolve(ft, &l, AT(0)));
	assert_int_equal(l.t.sport, 4242);
	assert_int_equal(l.t.dport, 4242);
	assert_int_equal(l.icmp_type, 8);
	assert_false(l.has_ports);
	frag_table_free(ft);
}

static void test_sizes(void **state)
{
	struct frag_table *ft;
	(void)state;

	assert_int_equal(frag_table_default_memcap(), 4 << 20);
	assert_null(frag_table_new(0, 30, seed));
	assert_null(frag_table_new(8, 30, seed));
	ft = frag_table_new(frag_table_default_memcap(), 30, seed);
	assert_non_null(ft);
	/* Entries are around a hundred bytes: tens of thousands fit. */
	assert_true(stats(ft).frags_max > 20000);
	frag_table_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_resolve),
		cmocka_unit_test(test_orphans),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_cap_evicts_oldest),
		cmocka_unit_test(test_icmp_echo_fragments),
		cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
