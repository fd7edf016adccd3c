/* test_special.c: every special range of CONTRACT.md section 6 at and just
 * past its edges, and IPv4 unwrapping from mapped and NAT64 addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "geo/special.h"

static const char *name_of(const char *ip)
{
	struct geo_addr a;

	if (!geo_addr_parse(ip, &a))
		fail_msg("bad test address %s", ip);
	return special_range_name(&a);
}

struct edge {
	const char *first, *last;	/* inside, at both ends */
	const char *before, *after;	/* just outside, NULL at the ends */
	const char *name;
};

static const struct edge edges[] = {
	{ "0.0.0.0", "0.255.255.255", NULL, "1.0.0.0", "this network (RFC 791)" },
	{ "10.0.0.0", "10.255.255.255", "9.255.255.255", "11.0.0.0", "private (RFC 1918)" },
	{ "100.64.0.0", "100.127.255.255", "100.63.255.255", "100.128.0.0",
	  "shared address space / CGNAT (RFC 6598)" },
	{ "127.0.0.0", "127.255.255.255", "126.255.255.255", "128.0.0.0", "loopback (RFC 1122)" },
	{ "169.254.0.0", "169.254.255.255", "169.253.255.255", "169.255.0.0",
	  "link-local (RFC 3927)" },
	{ "172.16.0.0", "172.31.255.255", "172.15.255.255", "172.32.0.0", "private (RFC 1918)" },
	{ "192.0.0.0", "192.0.0.255", "191.255.255.255", "192.0.1.0",
	  "IETF protocol assignments (RFC 6890)" },
	{ "192.0.2.0", "192.0.2.255", "192.0.1.255", "192.0.3.0", "documentation (RFC 5737)" },
	{ "198.51.100.0", "198.51.100.255", "198.51.99.255", "198.51.101.0",
	  "documentation (RFC 5737)" },
	{ "203.0.113.0", "203.0.113.255", "203.0.112.255", "203.0.114.0",
	  "documentation (RFC 5737)" },
	{ "192.168.0.0", "192.168.255.255", "192.167.255.255", "192.169.0.0", "private (RFC 1918)" },
	{ "198.18.0.0", "198.19.255.255", "198.17.255.255", "198.20.0.0", "benchmarking (RFC 2544)" },
	{ "224.0.0.0", "239.255.255.255", "223.255.255.255", NULL, "multicast (RFC 5771)" },
	{ "240.0.0.0", "255.255.255.254", NULL, NULL, "reserved (RFC 1112)" },
	{ "255.255.255.255", "255.255.255.255", NULL, NULL, "broadcast (RFC 919)" },
	{ "::", "::", NULL, "::2", "unspecified (RFC 4291)" },
	{ "::1", "::1", NULL, "::2", "loopback (RFC 4291)" },
	{ "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "fec0::", "link-local (RFC 4291)" },
	{ "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "fe00::", "unique local (RFC 4193)" },
	{ "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  NULL, "multicast (RFC 4291)" },
	{ "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	  "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::", "documentation (RFC 3849)" },
	{ "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "3fff:1000::", "documentation (RFC 9637)" },
};

static void test_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *e = &edges[i];
		const char *n;

		assert_string_equal(name_of(e->first), e->name);
		assert_string_equal(name_of(e->last), e->name);
		/* Just outside is either ordinary or another range, never
		 * this one. */
		if (e->before && (n = name_of(e->before)) != NULL)
			assert_string_not_equal(n, e->name);
		if (e->after && (n = name_of(e->after)) != NULL)
			assert_string_not_equal(n, e->name);
	}
}

static void test_ordinary(void **state)
{
	static const char *const plain[] = {
		"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255",
		"100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.0",
		"192.0.3.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
		"198.20.0.0", "198.51.99.255", "203.0.114.0", "223.255.255.255",
		"2001:4860:4860::8888", "2a00:1450::1", "::2", "2001:db9::",
		"3fff:1000::", "fe00::", "fec0::", "4000::",
		/* Not unwrapped here: the caller unwraps first. */
		"::ffff:10.0.0.1", "64:ff9b::a00:1", NULL,
	};

	(void)state;
	for (size_t i = 0; plain[i]; i++)
		if (name_of(plain[i]))
			fail_msg("%s named %s", plain[i], name_of(plain[i]));
	struct geo_addr odd = { .family = 3 };
	assert_null(special_range_name(&odd));
	assert_null(special_range_name(NULL));
}

static bool unwrap(const char *ip, const struct geo_prefix *extra,
		   size_t n, char *out)
{
	struct geo_addr a, v4;

	assert_true(geo_addr_parse(ip, &a));
	memset(&v4, 0xaa, sizeof(v4));
	if (!special_unwrap_v4(&a, extra, n, &v4))
		return false;
	assert_int_equal(v4.family, 4);
	geo_addr_format(&v4, out, GEO_ADDR_STRLEN);
	return true;
}

static void test_unwrap(void **state)
{
	char buf[GEO_ADDR_STRLEN];
	struct geo_prefix extra[3];
	char err[64];

	(void)state;
	assert_true(unwrap("::ffff:192.0.2.33", NULL, 0, buf));
	assert_string_equal(buf, "192.0.2.33");
	assert_true(unwrap("64:ff9b::c000:221", NULL, 0, buf));
	assert_string_equal(buf, "192.0.2.33");
	assert_true(unwrap("64:ff9b::8.8.8.8", NULL, 0, buf));
	assert_string_equal(buf, "8.8.8.8");
	/* RFC 8215 local-use prefix, read as a /96 embedding. */
	assert_true(unwrap("64:ff9b:1:abcd::1.1.1.1", NULL, 0, buf));
	assert_string_equal(buf, "1.1.1.1");

	/* Not embedding anything. */
	assert_false(unwrap("::fffe:1.2.3.4", NULL, 0, buf));
	assert_false(unwrap("64:ff9b:0:0:1::1.2.3.4", NULL, 0, buf));
	assert_false(unwrap("64:ff9b:2::1.2.3.4", NULL, 0, buf));
	assert_false(unwrap("::1.2.3.4", NULL, 0, buf));	/* deprecated compat */
	assert_false(unwrap("1.2.3.4", NULL, 0, buf));
	assert_false(unwrap("2001:db8::1", NULL, 0, buf));

	/* A policy's own NAT64 prefixes: a /96 and a /64 (RFC 6052 2.2:
	 * bits 64..71 are the u octet, the address follows it:
	 * 2001:db8:122:344:c0:2:2100:: in its section 2.4 table). */
	assert_true(geo_prefix_parse("2001:db8:64::/96", &extra[0], err, sizeof(err)));
	assert_true(geo_prefix_parse("2001:db8:122::/64", &extra[1], err, sizeof(err)));
	assert_true(geo_prefix_parse("2001:db8:100::/40", &extra[2], err, sizeof(err)));
	assert_true(unwrap("2001:db8:64::203.0.113.5", extra, 3, buf));
	assert_string_equal(buf, "203.0.113.5");
	assert_true(unwrap("2001:db8:122:0:c0:2:2100::", extra, 3, buf));
	assert_string_equal(buf, "192.0.2.33");
	/* /40: 24 bits before the u octet, 8 after (RFC 6052 figure 1:
	 * 2001:db8:1c0:2:21:: for 192.0.2.33). */
	assert_true(unwrap("2001:db8:1c0:2:21::", extra, 3, buf));
	assert_string_equal(buf, "192.0.2.33");
	assert_false(unwrap("2001:db8:65::1.2.3.4", extra, 3, buf));
	/* The well-known prefixes still work with extras given. */
	assert_true(unwrap("::ffff:1.2.3.4", extra, 3, buf));
	assert_string_equal(buf, "1.2.3.4");
	/* A length RFC 6052 does not define embeds nothing. */
	assert_true(geo_prefix_parse("2001:db8:77::/80", &extra[0], err, sizeof(err)));
	assert_false(unwrap("2001:db8:77::1.2.3.4", extra, 1, buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_ordinary),
		cmocka_unit_test(test_unwrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
