/*
 * test_geoip.c: schema detection, look-ups and broken files for geo/geoip.c.
 *
 * The databases come from tests/fixtures/geoip-unit/build.pl, written to
 * $BERGERIE_FIXTURES/geoip-unit (default build/fixtures). When they are
 * missing the test builds them first (it runs from the repository root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "geo/geoip.h"

static char fixdir[512];

static const char *fx(const char *name)
{
	static char path[4][768];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", fixdir, name);
	return path[slot];
}

static int setup_fixtures(void **state)
{
	const char *base = getenv("BERGERIE_FIXTURES");
	char cmd[1200];
	struct stat st;

	(void)state;
	if (!base || !*base)
		base = "build/fixtures";
	snprintf(fixdir, sizeof(fixdir), "%s/geoip-unit", base);
	if (stat(fx("asn.mmdb"), &st) == 0)
		return 0;
	snprintf(cmd, sizeof(cmd),
		 "perl tests/fixtures/geoip-unit/build.pl '%s' >/dev/null", base);
	if (system(cmd) != 0 || stat(fx("asn.mmdb"), &st) != 0) {
		fprintf(stderr, "cannot build GeoIP fixtures in %s\n", fixdir);
		return -1;
	}
	return 0;
}

static struct geoip *must_open(const char *country, const char *asn)
{
	char err[512] = "";
	struct geoip *g = geoip_open(country ? fx(country) : NULL,
				     asn ? fx(asn) : NULL, err, sizeof(err));

	if (!g)
		fail_msg("open failed: %s", err);
	return g;
}

static bool look(struct geoip *g, const char *ip, struct geoip_answer *out)
{
	struct geo_addr a;

	assert_true(geo_addr_parse(ip, &a));
	return geoip_lookup(g, &a, out);
}

static void expect_open_error(const char *country, const char *asn,
			      const char *want)
{
	char err[512] = "";
	struct geoip *g = geoip_open(country ? fx(country) : NULL,
				     asn ? fx(asn) : NULL, err, sizeof(err));

	assert_null(g);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	/* Callee names the file. */
	assert_non_null(strstr(err, country ? country : asn));
}

static void test_maxmind_country(void **state)
{
	struct geoip *g = must_open("country.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_MAXMIND_COUNTRY);
	assert_string_equal(info.country_type, "GeoLite2-Country");
	assert_null(info.asn_path);
	assert_true(info.country_build_epoch > 1500000000);

	/* IPv4 in an IPv6 tree (aliased subtree). */
	assert_true(look(g, "35.180.10.20", &ans));
	assert_string_equal(ans.country, "FR");
	assert_string_equal(ans.registered_country, "US");
	assert_string_equal(ans.continent, "EU");
	assert_int_equal(ans.asn, 0);
	assert_string_equal(ans.as_org, "");

	/* IPv6. */
	assert_true(look(g, "2a02:cf40::7", &ans));
	assert_string_equal(ans.country, "DE");
	/* Mapped form of 1.1.1.1 reaches the same record via the aliases. */
	assert_true(look(g, "::ffff:1.1.1.1", &ans));
	assert_string_equal(ans.country, "AU");

	/* Lowercase codes accepted and upper-cased. */
	assert_true(look(g, "5.5.5.5", &ans));
	assert_string_equal(ans.country, "DE");
	assert_string_equal(ans.continent, "EU");
	/* "USA", "U1", "E": not alpha-2, so unknown; nothing else known. */
	assert_false(look(g, "6.6.6.6", &ans));
	assert_string_equal(ans.country, "");
	assert_string_equal(ans.registered_country, "");
	assert_string_equal(ans.continent, "");

	/* No record. */
	assert_false(look(g, "9.9.9.9", &ans));
	assert_false(look(g, "2001:db8::1", &ans));
	geoip_info(g, &info);
	assert_int_equal(info.lookup_errors, 0);
	geoip_close(g);
}

static void test_city(void **state)
{
	struct geoip *g = must_open("city.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_MAXMIND_COUNTRY);
	assert_string_equal(info.country_type, "GeoIP2-City");
	assert_true(look(g, "81.2.69.142", &ans));
	assert_string_equal(ans.country, "GB");
	assert_true(look(g, "2001:4860:4860::8888", &ans));
	assert_string_equal(ans.country, "US");
	assert_string_equal(ans.continent, "NA");
	geoip_close(g);
}

static void test_flat_v4_only(void **state)
{
	struct geoip *g = must_open("flat.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_FLAT_COUNTRY);
	assert_true(look(g, "1.1.1.1", &ans));
	assert_string_equal(ans.country, "AU");
	assert_string_equal(ans.registered_country, "");
	assert_true(look(g, "35.180.0.1", &ans));
	assert_string_equal(ans.country, "FR");
	/* "Germany" is a name, not a code. */
	assert_false(look(g, "7.7.7.7", &ans));
	/* An IPv6 address in an IPv4-only file: no data, and not an error. */
	assert_false(look(g, "2a02:cf40::1", &ans));
	geoip_info(g, &info);
	assert_int_equal(info.lookup_errors, 0);
	geoip_close(g);
}

static void test_ipinfo_lite(void **state)
{
	struct geoip *g = must_open("ipinfo-lite.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_IPINFO_LITE);
	assert_string_equal(info.country_type, "ipinfo_lite.mmdb");

	/* With no ASN file, IPinfo answers AS questions too. */
	assert_true(look(g, "52.94.1.2", &ans));
	assert_string_equal(ans.country, "US");
	assert_string_equal(ans.continent, "EU");
	assert_int_equal(ans.asn, 16509);
	assert_string_equal(ans.as_org, "Amazon.com, Inc.");
	assert_true(look(g, "35.180.0.1", &ans));
	assert_string_equal(ans.country, "FR");
	assert_true(look(g, "2600:1f00::1", &ans));
	assert_int_equal(ans.asn, 16509);
	assert_true(look(g, "8.8.8.8", &ans));
	assert_int_equal(ans.asn, 15169);	/* "as15169" */
	/* "AS", "AS99999999999" (over 32 bits), "AS12x": no number. */
	assert_true(look(g, "10.20.0.1", &ans));
	assert_int_equal(ans.asn, 0);
	assert_string_equal(ans.country, "NL");
	assert_true(look(g, "10.21.0.1", &ans));
	assert_int_equal(ans.asn, 0);
	assert_true(look(g, "10.22.0.1", &ans));
	assert_int_equal(ans.asn, 0);
	geoip_close(g);

	/* With an ASN file the AS answer comes from it alone. */
	g = must_open("ipinfo-lite.mmdb", "asn.mmdb");
	assert_true(look(g, "8.8.8.8", &ans));
	assert_string_equal(ans.country, "US");
	assert_int_equal(ans.asn, 15169);
	assert_string_equal(ans.as_org, "Google LLC");
	assert_true(look(g, "52.94.1.2", &ans));
	assert_int_equal(ans.asn, 0);
	assert_string_equal(ans.country, "US");
	geoip_close(g);

	/* IPinfo Lite is also accepted as the ASN database. */
	g = must_open(NULL, "ipinfo-lite.mmdb");
	assert_true(look(g, "52.94.1.2", &ans));
	assert_int_equal(ans.asn, 16509);
	assert_string_equal(ans.country, "");
	geoip_close(g);
}

static void test_asn(void **state)
{
	struct geoip *g = must_open("country.mmdb", "asn.mmdb");
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.asn_schema, GEOIP_SCHEMA_MAXMIND_ASN);
	assert_string_equal(info.asn_type, "GeoLite2-ASN");
	assert_true(look(g, "1.1.1.1", &ans));
	assert_string_equal(ans.country, "AU");
	assert_int_equal(ans.asn, 13335);
	assert_string_equal(ans.as_org, "Cloudflare, Inc.");
	assert_true(look(g, "2001:4860::8888", &ans));
	assert_int_equal(ans.asn, 15169);
	assert_string_equal(ans.country, "US");
	/* UTF-8 kept as it is. */
	assert_true(look(g, "193.0.6.139", &ans));
	assert_string_equal(ans.as_org, "R\xc3\xa9seaux IP Europ\xc3\xa9" "ens");
	/* A control byte and two bytes that are not UTF-8 become '?'. */
	assert_true(look(g, "9.9.9.9", &ans));
	assert_int_equal(ans.asn, 19281);
	assert_string_equal(ans.as_org, "Quad?Nine BADUTF8?? end");
	geoip_close(g);
}

static void test_wrong_kind(void **state)
{
	(void)state;
	expect_open_error("asn.mmdb", NULL,
			  "asn.mmdb: holds AS numbers (database_type GeoLite2-ASN), not countries; give it to --geoip-asn");
	expect_open_error(NULL, "city.mmdb",
			  "city.mmdb: holds countries (database_type GeoIP2-City), not AS numbers; give it to --geoip-country");
	expect_open_error(NULL, "flat.mmdb", "not AS numbers");
	expect_open_error("foo-mystery.mmdb", NULL,
			  "no record holds country or AS fields (database_type Mystery-DB)");
}

static void test_type_decides_without_keys(void **state)
{
	struct geoip *g = must_open("foo-country-type.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	geoip_info(g, &info);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_MAXMIND_COUNTRY);
	assert_false(look(g, "1.1.1.1", &ans));
	geoip_info(g, &info);
	assert_int_equal(info.lookup_errors, 0);
	geoip_close(g);
}

static void test_broken_files(void **state)
{
	char err[512];
	char path[] = "/tmp/bergerie-geoip-XXXXXX";
	int fd;

	(void)state;
	expect_open_error("truncated.mmdb", NULL,
			  "not a usable MaxMind DB file: The MaxMind DB file contains invalid metadata");
	expect_open_error("corrupt-tree.mmdb", NULL,
			  "corrupt search tree or data section");
	expect_open_error("no-such-file.mmdb", NULL, "No such file");
	expect_open_error(".", NULL, "not a regular file");

	/* An empty file and a file of garbage. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_null(geoip_open(path, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_int_equal(write(fd, "\xab\xcd\xefMaxMind.com\xff\xff\xff\xff", 18), 18);
	assert_null(geoip_open(path, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "not a usable MaxMind DB file"));
	close(fd);
	unlink(path);
}

static void test_data_cut(void **state)
{
	struct geoip *g = must_open("data-cut.mmdb", NULL);
	struct geoip_answer ans;
	struct geoip_info info;

	(void)state;
	/* Records before the cut still answer. */
	assert_true(look(g, "1.1.1.1", &ans));
	assert_string_equal(ans.country, "AU");
	/* Those past it report nothing and are counted, once per look-up. */
	assert_false(look(g, "81.2.69.1", &ans));
	assert_string_equal(ans.country, "");
	assert_false(look(g, "2a02:cf40::1", &ans));
	geoip_info(g, &info);
	assert_int_equal(info.lookup_errors, 2);
	geoip_close(g);
}

/*
 * Every byte of a database is untrusted: flip bytes all over a valid file
 * (a fixed pseudo-random sequence, so a failure reproduces) and check that
 * opening and looking up either fails cleanly or answers well-formed
 * values.
 */
static void test_mutations(void **state)
{
	static const char *const files[] = { "country.mmdb", "asn.mmdb",
					      "ipinfo-lite.mmdb" };
	static const char *const ips[] = { "1.1.1.1", "35.180.1.1", "8.8.8.8",
					   "9.9.9.9", "2001:4860::1",
					   "2a02:cf40::1", "52.94.0.1" };
	char path[] = "/tmp/bergerie-geoip-mut-XXXXXX";
	uint32_t rng = 12345;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (int round = 0; round < 300; round++) {
		const char *src = fx(files[round % 3]);
		unsigned char buf[8192];
		FILE *f = fopen(src, "rb");
		size_t n;
		char err[512];
		struct geoip *g;

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		for (int k = 0; k < 1 + round % 8; k++) {
			rng = rng * 1103515245u + 12345u;
			buf[(rng >> 8) % n] = (unsigned char)(rng >> 24);
		}
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, n, f), n);
		fclose(f);
		g = (round % 3 == 1) ? geoip_open(NULL, path, err, sizeof(err)) :
				       geoip_open(path, NULL, err, sizeof(err));
		if (!g) {
			assert_non_null(strstr(err, path));
			continue;
		}
		for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
			struct geoip_answer ans;

			look(g, ips[i], &ans);
			assert_true(ans.country[0] == '\0' ||
				    (ans.country[0] >= 'A' && ans.country[0] <= 'Z' &&
				     ans.country[1] >= 'A' && ans.country[1] <= 'Z' &&
				     ans.country[2] == '\0'));
			for (const char *c = ans.as_org; *c; c++)
				assert_true((unsigned char)*c >= 0x20 &&
					    *c != 0x7f);
			assert_true(strlen(ans.as_org) < sizeof(ans.as_org));
		}
		geoip_close(g);
	}
	unlink(path);
}

static void test_nothing_open(void **state)
{
	char err[64];
	struct geoip *g = geoip_open(NULL, NULL, err, sizeof(err));
	struct geoip_answer ans;
	struct geoip_info info;
	struct geo_addr bad = { .family = 9 };

	(void)state;
	assert_non_null(g);
	assert_false(look(g, "1.1.1.1", &ans));
	assert_false(geoip_lookup(g, &bad, &ans));
	geoip_info(g, &info);
	assert_null(info.country_path);
	assert_int_equal(info.country_schema, GEOIP_SCHEMA_NONE);
	geoip_close(g);
	geoip_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maxmind_country),
		cmocka_unit_test(test_city),
		cmocka_unit_test(test_flat_v4_only),
		cmocka_unit_test(test_ipinfo_lite),
		cmocka_unit_test(test_asn),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_type_decides_without_keys),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_data_cut),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_nothing_open),
	};

	return cmocka_run_group_tests(tests, setup_fixtures, NULL);
}
