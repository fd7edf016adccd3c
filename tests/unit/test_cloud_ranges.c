/*
 * test_cloud_ranges.c: the four providers' formats, region mapping, most
 * specific match, duplicates, and the errors broken files must give.
 * Fixtures: tests/fixtures/cloud/ (run from the repository root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "geo/cloud_ranges.h"

#define FX "tests/fixtures/cloud"
#define REGIONS FX "/regions.json"

static struct cloud_ranges *all;

static int setup_all(void **state)
{
	char err[512] = "";

	(void)state;
	all = cloud_ranges_load(FX "/all", REGIONS, err, sizeof(err));
	if (!all) {
		fprintf(stderr, "load failed: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	cloud_ranges_free(all);
	return 0;
}

static const struct cloud_range *look(const char *ip)
{
	struct geo_addr a;

	if (!geo_addr_parse(ip, &a))
		fail_msg("bad test address %s", ip);
	return cloud_ranges_lookup(all, &a);
}

static void expect(const char *ip, const char *provider, const char *region,
		   const char *country, const char *prefix)
{
	const struct cloud_range *r = look(ip);
	char buf[64];

	if (!r)
		fail_msg("%s: no range", ip);
	assert_string_equal(r->provider, provider);
	assert_string_equal(r->region, region);
	assert_string_equal(r->country, country);
	assert_string_equal(geo_prefix_format(&r->prefix, buf, sizeof(buf)),
			    prefix);
}

static void test_counts(void **state)
{
	(void)state;
	/* AWS 7 (35.180/16 twice), Google 4, Azure 5 (20.19/16 and 20.50/18
	 * in the global tag and again regionally), Oracle 4. */
	assert_int_equal(cloud_ranges_count(all), 20);
	/* ap-southeast-7, me-central2, eu-marseille-1. */
	assert_int_equal(cloud_ranges_unmapped(all), 3);
	/* AWS GLOBAL 13.32/15, Azure AzureCloud 13.104/14. */
	assert_int_equal(cloud_ranges_global(all), 2);
	/* notes.json is not a range file; README.txt is not *.json. */
	assert_int_equal(cloud_ranges_files(all), 4);
}

static void test_aws(void **state)
{
	(void)state;
	expect("35.180.1.2", "aws", "eu-west-3", "FR", "35.180.0.0/16");
	/* Most specific wins: the /24 inside the /22. */
	expect("52.94.0.9", "aws", "eu-central-1", "DE", "52.94.0.0/24");
	expect("52.94.1.9", "aws", "us-east-1", "US", "52.94.0.0/22");
	expect("52.94.3.255", "aws", "us-east-1", "US", "52.94.0.0/22");
	assert_null(look("52.94.4.0"));
	expect("2a05:d012:1::1", "aws", "eu-west-3", "FR", "2a05:d012::/36");
	expect("2600:1f18::1", "aws", "us-east-1", "US", "2600:1f18::/33");
	/* Unmapped region: kept, named, no country. */
	expect("15.230.39.1", "aws", "ap-southeast-7", "", "15.230.39.0/24");
	expect("13.33.0.1", "aws", "GLOBAL", "", "13.32.0.0/15");
}

static void test_google(void **state)
{
	(void)state;
	expect("34.155.3.4", "google", "europe-west9", "FR", "34.155.0.0/16");
	expect("34.16.127.1", "google", "us-central1", "US", "34.16.0.0/17");
	assert_null(look("34.16.128.1"));
	expect("2600:1900:4180::5", "google", "europe-west9", "FR",
	       "2600:1900:4180::/44");
	expect("34.0.100.1", "google", "me-central2", "", "34.0.96.0/19");
}

static void test_azure(void **state)
{
	(void)state;
	/* The regional tag replaces the global AzureCloud entry. */
	expect("20.19.200.1", "azure", "francecentral", "FR", "20.19.0.0/16");
	expect("20.50.1.1", "azure", "westeurope", "NL", "20.50.0.0/18");
	expect("20.19.2.200", "azure", "francecentral", "FR", "20.19.2.0/24");
	expect("2603:1020:801::1", "azure", "francecentral", "FR",
	       "2603:1020:800::/47");
	expect("13.105.0.1", "azure", "global", "", "13.104.0.0/14");
}

static void test_oracle(void **state)
{
	(void)state;
	expect("132.145.9.9", "oracle", "eu-paris-1", "FR", "132.145.0.0/16");
	expect("140.91.29.1", "oracle", "eu-paris-1", "FR", "140.91.28.0/23");
	expect("2603:c020:40ff::1", "oracle", "eu-paris-1", "FR",
	       "2603:c020:4000::/40");
	expect("144.24.200.1", "oracle", "eu-marseille-1", "", "144.24.192.0/19");
	assert_null(look("8.8.8.8"));
	assert_null(look("::1"));
	assert_null(cloud_ranges_lookup(NULL, NULL));
	assert_int_equal(cloud_ranges_count(NULL), 0);
}

static void expect_error(const char *dir, const char *regions,
			 const char *want)
{
	char err[512] = "";
	struct cloud_ranges *cr = cloud_ranges_load(dir, regions, err,
						    sizeof(err));

	if (cr)
		fail_msg("%s loaded", dir);
	if (strcmp(err, want) != 0)
		fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
}

static void test_broken_fixtures(void **state)
{
	(void)state;
	/* The trailing comma: jansson stops at the '}' on line 8. */
	expect_error(FX "/bad-syntax", REGIONS,
		     FX "/bad-syntax/ip-ranges.json:8:5: string or '}' expected near '}'");
	expect_error(FX "/bad-type", REGIONS,
		     FX "/bad-type/cloud.json: /prefixes/1/scope: expected a string, got an integer");
	expect_error(FX "/bad-cidr", REGIONS,
		     FX "/bad-cidr/public_ip_ranges.json: /regions/0/cidrs/1/cidr: expected a CIDR, got \"132.145.1.0/16\" (host bits set below the prefix length)");
	expect_error(FX "/bad-family", REGIONS,
		     FX "/bad-family/ip-ranges.json: /ipv6_prefixes/0/ipv6_prefix: expected an IPv6 prefix, got \"35.180.0.0/16\"");
	expect_error(FX "/no-such-dir", REGIONS,
		     FX "/no-such-dir: No such file or directory");
	expect_error(FX "/all", FX "/no-such.json",
		     FX "/no-such.json: No such file or directory");
}

/* A scratch folder holding one file. */
static char tmpdir[64];
static char tmpfile_[128];

static const char *one_file(const char *name, const char *text)
{
	FILE *f;

	snprintf(tmpfile_, sizeof(tmpfile_), "%s/%s", tmpdir, name);
	f = fopen(tmpfile_, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return tmpdir;
}

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/bergerie-cloud-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void expect_tmp_error(const char *name, const char *text,
			     const char *want_tail)
{
	char err[512] = "", want[640];
	struct cloud_ranges *cr;

	one_file(name, text);
	cr = cloud_ranges_load(tmpdir, REGIONS, err, sizeof(err));
	unlink(tmpfile_);
	if (cr)
		fail_msg("loaded: %s", text);
	snprintf(want, sizeof(want), "%s/%s%s", tmpdir, name, want_tail);
	if (strcmp(err, want) != 0)
		fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
}

static void test_hostile_files(void **state)
{
	char err[512];

	(void)state;
	/* Nothing recognisable at all. */
	one_file("x.json", "{\"a\": 1}");
	assert_null(cloud_ranges_load(tmpdir, REGIONS, err, sizeof(err)));
	assert_non_null(strstr(err, ": no AWS, Google Cloud, Azure or Oracle range file (*.json) found"));
	unlink(tmpfile_);

	expect_tmp_error("a.json", "{\"createDate\":\"x\",\"prefixes\":{}}",
			 ": /prefixes: expected an array, got an object");
	expect_tmp_error("a.json", "{\"createDate\":\"x\",\"prefixes\":[7]}",
			 ": /prefixes/0: expected an object, got an integer");
	expect_tmp_error("a.json",
			 "{\"createDate\":\"x\",\"prefixes\":[{\"ip_prefix\":\"1.0.0.0/8\"}]}",
			 ": /prefixes/0: missing \"region\"");
	expect_tmp_error("a.json",
			 "{\"createDate\":\"x\",\"prefixes\":[{\"region\":\"x\"}]}",
			 ": /prefixes/0: missing \"ip_prefix\"");
	expect_tmp_error("a.json",
			 "{\"createDate\":\"x\",\"prefixes\":[{\"region\":\"x\",\"ip_prefix\":null}]}",
			 ": /prefixes/0/ip_prefix: expected a CIDR, got null");
	expect_tmp_error("a.json",
			 "{\"createDate\":\"x\",\"prefixes\":[{\"region\":\"x\",\"ip_prefix\":\"2001:db8::/32\"}]}",
			 ": /prefixes/0/ip_prefix: expected an IPv4 prefix, got \"2001:db8::/32\"");
	/* Control bytes in a value come back escaped. */
	expect_tmp_error("a.json",
			 "{\"createDate\":\"x\",\"prefixes\":[{\"region\":\"x\",\"ip_prefix\":\"1.2.3.0/24\\u001b[2J\"}]}",
			 ": /prefixes/0/ip_prefix: expected a CIDR, got \"1.2.3.0/24\\x1b[2J\" (bad prefix length)");
	expect_tmp_error("c.json",
			 "{\"creationTime\":\"x\",\"prefixes\":[{\"scope\":\"x\",\"ipv4Prefix\":\"1.0.0.0/8\",\"ipv6Prefix\":\"::/0\"}]}",
			 ": /prefixes/0: expected one of \"ipv4Prefix\" and \"ipv6Prefix\"");
	expect_tmp_error("c.json",
			 "{\"creationTime\":\"x\",\"prefixes\":[{\"scope\":\"x\",\"ipv6Prefix\":\"1.0.0.0/8\"}]}",
			 ": /prefixes/0/ipv6Prefix: expected an IPv6 prefix, got \"1.0.0.0/8\"");
	expect_tmp_error("s.json", "{\"cloud\":\"Public\",\"values\":[{\"name\":\"x\"}]}",
			 ": /values/0: missing \"properties\"");
	expect_tmp_error("s.json",
			 "{\"cloud\":\"Public\",\"values\":[{\"properties\":{\"region\":\"\",\"addressPrefixes\":[\"1.0.0.0/8\",5]}}]}",
			 ": /values/0/properties/addressPrefixes/1: expected a CIDR, got an integer");
	expect_tmp_error("s.json",
			 "{\"cloud\":\"Public\",\"values\":[{\"properties\":{\"region\":[],\"addressPrefixes\":[]}}]}",
			 ": /values/0/properties/region: expected a string, got an array");
	expect_tmp_error("o.json",
			 "{\"last_updated_timestamp\":\"x\",\"regions\":[{\"region\":\"r\",\"cidrs\":[{\"tags\":[]}]}]}",
			 ": /regions/0/cidrs/0: missing \"cidr\"");
	/* Duplicate keys are refused. jansson's column is that of the last
	 * character of the token it stopped on: the closing quote. */
	expect_tmp_error("o.json",
			 "{\"last_updated_timestamp\":\"x\",\n\"regions\":[],\n\"regions\":[]}",
			 ":3:9: duplicate object key near '\"regions\"'");
	expect_tmp_error("o.json", "", ":1:0: '[' or '{' expected near end of file");
	expect_tmp_error("o.json", "{\"a\": \"\xff\"}",
			 ":1:7: unable to decode byte 0xff near '\"'");
}

static void test_regions_table(void **state)
{
	char path[128], err[512], want[512];
	static const struct {
		const char *text, *tail;
	} cases[] = {
		{ "{\"aws\":{\"regions\":{\"eu-west-3\":\"France\"}}}",
		  ": /aws/regions/eu-west-3: expected an ISO 3166-1 alpha-2 code like \"FR\", got \"France\"" },
		{ "{\"aws\":{\"regions\":{\"eu-west-3\":\"fr\"}}}",
		  ": /aws/regions/eu-west-3: expected an ISO 3166-1 alpha-2 code like \"FR\", got \"fr\"" },
		{ "{\"aws\":{\"regions\":{\"eu/west~3\":1}}}",
		  ": /aws/regions/eu~1west~03: expected a country code, got an integer" },
		{ "{\"aws\":{\"regions\":[]}}",
		  ": /aws/regions: expected an object, got an array" },
		{ "{\"aws\":{\"source\":\"x\"}}", ": /aws: missing \"regions\"" },
		{ "{\"ibm\":{}}",
		  ": /ibm: unknown key \"ibm\" (known: aws, google, azure, oracle, comment)" },
		{ "{\"aws\":{\"regions\":{},\"note\":1}}",
		  ": /aws/note: unknown key \"note\" (known: source, regions, comment)" },
		{ "[]", ": /: expected an object, got an array" },
	};

	(void)state;
	snprintf(path, sizeof(path), "%s/regions.json", tmpdir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(cases[i].text, f);
		fclose(f);
		err[0] = '\0';
		assert_null(cloud_ranges_load(FX "/all", path, err, sizeof(err)));
		snprintf(want, sizeof(want), "%s%s", path, cases[i].tail);
		if (strcmp(err, want) != 0)
			fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest loaded[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_aws),
		cmocka_unit_test(test_google),
		cmocka_unit_test(test_azure),
		cmocka_unit_test(test_oracle),
	};
	const struct CMUnitTest errors[] = {
		cmocka_unit_test(test_broken_fixtures),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_regions_table),
	};
	int rc = cmocka_run_group_tests_name("loaded", loaded, setup_all,
					     teardown_all);

	return rc | cmocka_run_group_tests_name("errors", errors, setup_tmp,
						teardown_tmp);
}
