/*
 * test_pseudonym.c: Crypto-PAn against published values, prefix
 * preservation, key files.
 *
 * Sources of the expected addresses:
 *  [R] the Crypto-PAn reference distribution's sample key (sample.cpp) and
 *      its sample_trace_raw.dat / sample_trace_sanitized.dat pairs, as
 *      re-published in the test suites of independent implementations
 *      (Yawning Angel's Go package cryptopan_test.go among them);
 *  [G] the same Go package's IPv6 values (the construction over 128 bits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "monitor/pseudonym.h"

static const uint8_t ref_key[32] = {
	21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
	216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
};

struct pair {
	const char *in, *out;
};

/* [R] */
static const struct pair v4[] = {
	{"128.11.68.132", "135.242.180.132"},
	{"129.118.74.4", "134.136.186.123"},
	{"130.132.252.244", "133.68.164.234"},
	{"141.223.7.43", "141.167.8.160"},
	{"141.233.145.108", "141.129.237.235"},
	{"152.163.225.39", "151.140.114.167"},
	{"156.29.3.236", "147.225.12.42"},
	{"165.247.96.84", "162.9.99.234"},
	{"166.107.77.190", "160.132.178.185"},
	{"192.102.249.13", "252.138.62.131"},
	{"192.215.32.125", "252.43.47.189"},
	{"192.233.80.103", "252.25.108.8"},
	{"192.41.57.43", "252.222.221.184"},
	{"193.150.244.223", "253.169.52.216"},
	{"195.205.63.100", "255.186.223.5"},
	{"198.200.171.101", "249.199.68.213"},
	{"207.33.151.131", "241.1.233.131"},
	{"216.35.217.178", "235.195.157.81"},
	{"24.0.250.221", "100.15.198.226"},
	{"4.3.88.225", "124.60.155.63"},
	{"64.14.118.196", "0.255.183.58"},
	{"10.185.25.118", "117.161.29.118"},
};

/* [G] */
static const struct pair v6[] = {
	{"::1", "78ff:f001:9fc0:20df:8380:b1f1:704:ed"},
	{"::2", "78ff:f001:9fc0:20df:8380:b1f1:704:ef"},
	{"::ffff", "78ff:f001:9fc0:20df:8380:b1f1:704:f838"},
	{"2001:db8::1", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e"},
	{"2001:db8::2", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c"},
};

static void test_ipv4_reference(void **state)
{
	struct pseudonym *p = pseudonym_new(ref_key);
	char buf[INET_ADDRSTRLEN];

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		uint8_t a[4], b[4];

		assert_int_equal(inet_pton(AF_INET, v4[i].in, a), 1);
		pseudonym_v4(p, a, b);
		inet_ntop(AF_INET, b, buf, sizeof(buf));
		assert_string_equal(buf, v4[i].out);
		/* in place */
		pseudonym_v4(p, a, a);
		assert_memory_equal(a, b, 4);
	}
	pseudonym_free(p);
}

static void test_ipv6_reference(void **state)
{
	struct pseudonym *p = pseudonym_new(ref_key);
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		uint8_t a[16], b[16];

		assert_int_equal(inet_pton(AF_INET6, v6[i].in, a), 1);
		pseudonym_addr(p, 6, a, b);
		inet_ntop(AF_INET6, b, buf, sizeof(buf));
		assert_string_equal(buf, v6[i].out);
	}
	pseudonym_free(p);
}

/* Leading bits two byte strings share. */
static int common_prefix(const uint8_t *a, const uint8_t *b, int nbits)
{
	for (int i = 0; i < nbits; i++) {
		int m = 0x80 >> (i % 8);

		if ((a[i / 8] & m) != (b[i / 8] & m))
			return i;
	}
	return nbits;
}

/* Two addresses sharing exactly k leading bits map to pseudonyms sharing
 * exactly k leading bits, for every k. */
static void check_prefixes(int nbits)
{
	struct pseudonym *p = pseudonym_new(ref_key);
	uint8_t key2[32];

	memcpy(key2, ref_key, 32);
	srand(7);
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < nbits; k++) {
			uint8_t a[16] = {0}, b[16], pa[16], pb[16];

			for (int i = 0; i < nbits / 8; i++)
				a[i] = (uint8_t)rand();
			memcpy(b, a, sizeof(b));
			/* flip bit k, randomise the bits after it */
			b[k / 8] ^= (uint8_t)(0x80 >> (k % 8));
			for (int j = k + 1; j < nbits; j++)
				if (rand() & 1)
					b[j / 8] ^= (uint8_t)(0x80 >> (j % 8));
			assert_int_equal(common_prefix(a, b, nbits), k);
			pseudonym_addr(p, nbits == 32 ? 4 : 6, a, pa);
			pseudonym_addr(p, nbits == 32 ? 4 : 6, b, pb);
			assert_int_equal(common_prefix(pa, pb, nbits), k);
		}
	}
	pseudonym_free(p);
	/* Another key, other pseudonyms. */
	{
		uint8_t a[16] = {10, 1, 0, 21}, x[16], y[16];
		struct pseudonym *q;

		key2[0] ^= 1;
		q = pseudonym_new(key2);
		p = pseudonym_new(ref_key);
		pseudonym_addr(p, 4, a, x);
		pseudonym_addr(q, 4, a, y);
		assert_memory_not_equal(x, y, 4);
		pseudonym_free(p);
		pseudonym_free(q);
	}
}

static void test_prefix_preserving_v4(void **state)
{
	(void)state;
	check_prefixes(32);
}

static void test_prefix_preserving_v6(void **state)
{
	(void)state;
	check_prefixes(128);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void test_key_files(void **state)
{
	char dir[] = "/tmp/test_pseudonym.XXXXXX", path[256], err[512];
	uint8_t big[40] = {0};
	struct pseudonym *p;
	uint8_t a[4] = {128, 11, 68, 132}, b[4];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);

	/* missing */
	err[0] = '\0';
	assert_null(pseudonym_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	/* empty, short, long */
	write_file(path, big, 0);
	assert_null(pseudonym_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "0 bytes"));
	write_file(path, ref_key, 31);
	assert_null(pseudonym_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "31 bytes"));
	assert_non_null(strstr(err, path));
	write_file(path, big, 33);
	assert_null(pseudonym_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "longer than 32"));
	/* exactly 32: the reference key */
	write_file(path, ref_key, 32);
	p = pseudonym_load(path, err, sizeof(err));
	assert_non_null(p);
	pseudonym_v4(p, a, b);
	assert_memory_equal(b, ((uint8_t[4]){135, 242, 180, 132}), 4);
	pseudonym_free(p);
	pseudonym_free(NULL);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_reference),
		cmocka_unit_test(test_ipv6_reference),
		cmocka_unit_test(test_prefix_preserving_v4),
		cmocka_unit_test(test_prefix_preserving_v6),
		cmocka_unit_test(test_key_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
