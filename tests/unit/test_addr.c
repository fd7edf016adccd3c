/* test_addr.c: geo/addr.c parsing, formatting, prefixes, containment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "geo/addr.h"

static const char *roundtrip(const char *in, char *buf)
{
	struct geo_addr a;

	if (!geo_addr_parse(in, &a))
		return NULL;
	return geo_addr_format(&a, buf, GEO_ADDR_STRLEN);
}

static void test_parse_format(void **state)
{
	char buf[GEO_ADDR_STRLEN];
	struct geo_addr a;

	(void)state;
	assert_true(geo_addr_parse("192.0.2.1", &a));
	assert_int_equal(a.family, 4);
	assert_memory_equal(a.b, "\xc0\x00\x02\x01\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_string_equal(roundtrip("192.0.2.1", buf), "192.0.2.1");
	assert_string_equal(roundtrip("0.0.0.0", buf), "0.0.0.0");
	assert_string_equal(roundtrip("255.255.255.255", buf),
			    "255.255.255.255");

	/* RFC 5952: lowercase, longest zero run compressed, the first of
	 * equal runs, no lone 16-bit zero field compressed, no leading
	 * zeros. */
	assert_string_equal(roundtrip("2001:0DB8:0000:0000:0000:0000:0000:0001",
				      buf), "2001:db8::1");
	assert_string_equal(roundtrip("2001:db8:0:0:1:0:0:1", buf),
			    "2001:db8::1:0:0:1");
	assert_string_equal(roundtrip("2001:db8:0:1:1:1:1:1", buf),
			    "2001:db8:0:1:1:1:1:1");
	assert_string_equal(roundtrip("2001:db8:0:0:1:0:0:0", buf),
			    "2001:db8:0:0:1::");
	assert_string_equal(roundtrip("::", buf), "::");
	assert_string_equal(roundtrip("0:0:0:0:0:0:0:1", buf), "::1");
	/* Mapped addresses print in dotted form (CONTRACT.md section 1). */
	assert_string_equal(roundtrip("::FFFF:0102:0304", buf),
			    "::ffff:1.2.3.4");
	assert_true(geo_addr_parse("::ffff:1.2.3.4", &a));
	assert_int_equal(a.family, 6);
	assert_int_equal(a.b[10], 0xff);
	assert_int_equal(a.b[15], 4);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", " 1.2.3.4", "1.2.3.4 ", "1.2.3", "1.2.3.4.5", "256.1.1.1",
		"1.2.3.04x", "01.2.3.4", "::1::", "2001:db8:::1", "gggg::",
		"1:2:3:4:5:6:7:8:9", "1.2.3.4/32", "fe80::1%eth0", "example.com",
		"\xff\xfe", NULL,
	};
	struct geo_addr a;
	char buf[GEO_ADDR_STRLEN];

	(void)state;
	for (size_t i = 0; bad[i]; i++)
		if (geo_addr_parse(bad[i], &a))
			fail_msg("\"%s\" parsed", bad[i]);
	assert_false(geo_addr_parse(NULL, &a));
	/* A family that is neither formats as "". */
	memset(&a, 0, sizeof(a));
	a.family = 7;
	assert_string_equal(geo_addr_format(&a, buf, sizeof(buf)), "");
	/* Too small a buffer: "" rather than a cut address. */
	assert_true(geo_addr_parse("2001:db8::1", &a));
	assert_string_equal(geo_addr_format(&a, buf, 5), "");
}

static void test_from_equal(void **state)
{
	const uint8_t v4[4] = { 10, 1, 2, 3 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct geo_addr x, y;

	(void)state;
	geo_addr_from_v4(&x, v4);
	assert_true(geo_addr_parse("10.1.2.3", &y));
	assert_true(geo_addr_equal(&x, &y));
	v6[15] = 1;
	geo_addr_from_v6(&x, v6);
	assert_true(geo_addr_parse("2001:db8::1", &y));
	assert_true(geo_addr_equal(&x, &y));
	/* Same bytes, other family. */
	assert_true(geo_addr_parse("::a01:203", &x));
	assert_true(geo_addr_parse("10.1.2.3", &y));
	assert_false(geo_addr_equal(&x, &y));
}

static void test_prefix_parse(void **state)
{
	struct geo_prefix p;
	char err[128], buf[64];

	(void)state;
	assert_true(geo_prefix_parse("10.0.0.0/8", &p, err, sizeof(err)));
	assert_int_equal(p.addr.family, 4);
	assert_int_equal(p.len, 8);
	assert_string_equal(geo_prefix_format(&p, buf, sizeof(buf)),
			    "10.0.0.0/8");
	assert_true(geo_prefix_parse("2001:DB8::/32", &p, err, sizeof(err)));
	assert_string_equal(geo_prefix_format(&p, buf, sizeof(buf)),
			    "2001:db8::/32");
	assert_true(geo_prefix_parse("0.0.0.0/0", &p, err, sizeof(err)));
	assert_int_equal(p.len, 0);
	assert_true(geo_prefix_parse("::/0", &p, err, sizeof(err)));
	assert_int_equal(p.len, 0);
	/* Bare addresses are host prefixes. */
	assert_true(geo_prefix_parse("192.0.2.7", &p, err, sizeof(err)));
	assert_int_equal(p.len, 32);
	assert_true(geo_prefix_parse("2001:db8::7", &p, err, sizeof(err)));
	assert_int_equal(p.len, 128);
	assert_true(geo_prefix_parse("192.0.2.7/32", &p, err, sizeof(err)));
	assert_true(geo_prefix_parse("100.64.0.0/10", &p, err, sizeof(err)));

	/* Host bits set: the usual typo. */
	assert_false(geo_prefix_parse("10.0.0.1/8", &p, err, sizeof(err)));
	assert_string_equal(err, "host bits set below the prefix length");
	assert_false(geo_prefix_parse("100.96.0.0/10", &p, err, sizeof(err)));
	assert_true(geo_prefix_parse("100.128.0.0/9", &p, err, sizeof(err)));
	assert_false(geo_prefix_parse("100.192.0.0/9", &p, err, sizeof(err)));
	assert_false(geo_prefix_parse("2001:db8::1/64", &p, err, sizeof(err)));
	assert_false(geo_prefix_parse("0.0.0.1/0", &p, err, sizeof(err)));

	assert_false(geo_prefix_parse("10.0.0.0/33", &p, err, sizeof(err)));
	assert_string_equal(err, "prefix length over 32");
	assert_false(geo_prefix_parse("::/129", &p, err, sizeof(err)));
	assert_string_equal(err, "prefix length over 128");
	assert_false(geo_prefix_parse("10.0.0/8", &p, err, sizeof(err)));
	assert_string_equal(err, "not an IP address");
	assert_false(geo_prefix_parse("10.0.0.0/", &p, err, sizeof(err)));
	assert_string_equal(err, "missing prefix length");
	static const char *const bad[] = {
		"10.0.0.0/08", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ",
		"10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/99999999999999999999",
		"/8", "", "10.0.0.0/0x8", NULL,
	};
	for (size_t i = 0; bad[i]; i++)
		if (geo_prefix_parse(bad[i], &p, err, sizeof(err)))
			fail_msg("\"%s\" parsed", bad[i]);
	/* A long string does not overflow anything. */
	char lng[300];
	memset(lng, '1', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	assert_false(geo_prefix_parse(lng, &p, err, sizeof(err)));
	/* err may be NULL. */
	assert_false(geo_prefix_parse("x", &p, NULL, 0));
}

static void test_contains(void **state)
{
	struct geo_prefix p;
	struct geo_addr a;
	char err[64];

	(void)state;
	assert_true(geo_prefix_parse("172.16.0.0/12", &p, err, sizeof(err)));
	assert_true(geo_addr_parse("172.16.0.0", &a));
	assert_true(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("172.31.255.255", &a));
	assert_true(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("172.32.0.0", &a));
	assert_false(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("172.15.255.255", &a));
	assert_false(geo_prefix_contains(&p, &a));
	/* Family matters, even when bytes agree. */
	assert_true(geo_addr_parse("ac10::", &a));
	assert_false(geo_prefix_contains(&p, &a));

	assert_true(geo_prefix_parse("::/0", &p, err, sizeof(err)));
	assert_true(geo_addr_parse("ffff::1", &a));
	assert_true(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("1.2.3.4", &a));
	assert_false(geo_prefix_contains(&p, &a));

	assert_true(geo_prefix_parse("2001:db8::1/128", &p, err, sizeof(err)));
	assert_true(geo_addr_parse("2001:db8::1", &a));
	assert_true(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("2001:db8::", &a));
	assert_false(geo_prefix_contains(&p, &a));

	assert_true(geo_prefix_parse("fe80::/10", &p, err, sizeof(err)));
	assert_true(geo_addr_parse("febf:ffff::", &a));
	assert_true(geo_prefix_contains(&p, &a));
	assert_true(geo_addr_parse("fec0::", &a));
	assert_false(geo_prefix_contains(&p, &a));
}

/* geo_addr_ntop writes exactly what glibc's inet_ntop writes: every
 * pattern of zero and non-zero words (where "::" goes), the IPv4-compatible
 * and mapped forms and their near misses, hex digit counts, and random
 * addresses. */
static void check_ntop(int family, const uint8_t *b)
{
	char want[INET6_ADDRSTRLEN], got[GEO_ADDR_STRLEN];

	assert_non_null(inet_ntop(family == 6 ? AF_INET6 : AF_INET, b, want,
				  sizeof(want)));
	assert_non_null(geo_addr_ntop(family, b, got, sizeof(got)));
	assert_string_equal(got, want);
}

static void test_ntop_as_glibc(void **state)
{
	static const unsigned vals[] = {0, 1, 0xf, 0x10, 0xff, 0x100, 0xfff,
					0x1000, 0xffff, 0xabcd};
	uint8_t b[16];
	unsigned seed = 1;
	char small[8];

	(void)state;
	for (unsigned m = 0; m < 256; m++) {	/* which words are zero */
		for (unsigned v = 0; v < 10; v++) {
			for (int i = 0; i < 8; i++) {
				unsigned w = (m >> i) & 1 ?
					vals[(v + (unsigned)i) % 10] | 1 : 0;

				b[2 * i] = (uint8_t)(w >> 8);
				b[2 * i + 1] = (uint8_t)w;
			}
			check_ntop(6, b);
			/* ::ffff:a.b.c.d and its neighbours */
			memset(b, 0, 10);
			b[10] = b[11] = (uint8_t)((m & 1) ? 0xff : m);
			check_ntop(6, b);
		}
	}
	for (int i = 0; i < 100000; i++) {
		for (int k = 0; k < 16; k++) {
			seed = seed * 1103515245u + 12345u;
			b[k] = (uint8_t)(seed >> 16);
			if ((seed >> 8) % 3 == 0)
				b[k] = 0;
		}
		check_ntop(6, b);
		check_ntop(4, b);
	}
	memset(b, 0, 16);
	check_ntop(4, b);
	memset(b, 255, 16);
	check_ntop(4, b);
	check_ntop(6, b);
	assert_null(geo_addr_ntop(6, b, small, sizeof(small)));
	assert_null(geo_addr_ntop(5, b, small, sizeof(small)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_ntop_as_glibc),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_from_equal),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
