/*
 * test_explain.c: `bergerie explain` output, text and JSON, on the model
 * fixtures (see test_classify.c for the data).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "geo/explain.h"

static char country_db[PATH_MAX + 32], asn_db[PATH_MAX + 32];
static struct geo_engine *model, *deflt;

static struct geo_engine *load(const char *policy)
{
	struct geo_config cfg = {
		.data_dir = "tests/fixtures/model/data",
		.country_db = country_db,
		.asn_db = asn_db,
		.policy_path = policy,
		.cloud_ranges_dir = "tests/fixtures/model/cloud",
		.cache_memcap = 1 << 20,
	};
	char err[1024];
	struct geo_engine *e = geo_engine_load(&cfg, err, sizeof(err));

	if (e == NULL)
		fprintf(stderr, "%s\n", err);
	return e;
}

static int setup(void **state)
{
	const char *base = getenv("BERGERIE_FIXTURES");
	char dir[PATH_MAX], cmd[2 * PATH_MAX + 128];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/model",
		 base && *base ? base : "build/fixtures");
	snprintf(country_db, sizeof(country_db), "%s/model-country.mmdb", dir);
	snprintf(asn_db, sizeof(asn_db), "%s/model-asn.mmdb", dir);
	if (access(country_db, R_OK) != 0 || access(asn_db, R_OK) != 0) {
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s' && perl tests/fixtures/model/build-mmdb.pl '%s'",
			 dir, dir);
		if (system(cmd) != 0)
			return -1;
	}
	model = load("tests/fixtures/model/policy-classify.json");
	deflt = load(NULL);
	return model && deflt ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	geo_engine_unref(model);
	geo_engine_unref(deflt);
	return 0;
}

/* Runs geo_explain into a string (caller frees). */
static char *run(struct geo_engine *e, const char *addr, bool json)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (geo_explain(e, addr, json, f, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	fclose(f);
	return buf;
}

static void test_text_foreign_control(void **state)
{
	char *out = run(deflt, "35.180.0.10", false), want[4096];

	(void)state;
	snprintf(want, sizeof(want),
		 "address         35.180.0.10\n"
		 "site            none\n"
		 "home network    no\n"
		 "special range   none\n"
		 "cloud range     none\n"
		 "geoip country   FR (registered in US; registration is not location)\n"
		 "asn             AS16509 Amazon.com, Inc.\n"
		 "operator        Amazon Web Services (aws), parent Amazon.com, Inc., cloud; source https://example.org/aws\n"
		 "jurisdiction    US (United States): extraterritorial: CLOUD Act, FISA 702\n"
		 "location        FR (France), by geoip\n"
		 "zone            eu\n"
		 "rule            default.eu_foreign_control \"EU-hosted, controlled from an extraterritorial jurisdiction\": flag, medium\n"
		 "policy          %s\n"
		 "verdict         eu_foreign_control\n"
		 "reason          35.180.0.10: FR, AS16509 Amazon.com, Inc. -> US (CLOUD Act, FISA 702): EU-hosted, foreign-controlled\n",
		 geo_engine_policy_hash(deflt));
	assert_string_equal(out, want);
	free(out);
}

static void test_text_site_and_cloud(void **state)
{
	char *out = run(model, "10.50.1.2", false), want[4096];

	(void)state;
	snprintf(want, sizeof(want),
		 "address         10.50.1.2\n"
		 "site            sao-paulo, 10.50.0.0/16 (declared in policy)\n"
		 "home network    no\n"
		 "special range   none\n"
		 "operator        none declared for the site\n"
		 "location        BR, by site\n"
		 "zone            third\n"
		 "rule            none matched: no alert\n"
		 "policy          %s\n"
		 "verdict         third_country\n"
		 "reason          10.50.1.2: site sao-paulo (BR, declared in policy): third country\n",
		 geo_engine_policy_hash(model));
	assert_string_equal(out, want);
	free(out);
	out = run(model, "52.94.4.20", false);
	assert_non_null(strstr(out, "\ncloud range     aws eu-west-3, 52.94.4.0/24 -> FR\n"));
	assert_non_null(strstr(out, "\ngeoip country   US\n"));
	assert_non_null(strstr(out, "\nlocation        FR (France), by cloud-range\n"));
	free(out);
	out = run(model, "1.1.1.1", false);
	assert_non_null(strstr(out, "\nanycast         Cloudflare prefix 1.1.1.0/24, located at the sensor's country FR\n"));
	free(out);
	out = run(model, "::ffff:31.3.1.1", false);
	assert_non_null(strstr(out, "\nembedded IPv4   31.3.1.1 (looked up as this address)\n"));
	assert_non_null(strstr(out, "\nzone            adequacy: decision 2000/518/EC of 2000-07-26, scope full\n"));
	free(out);
}

static json_t *run_json(struct geo_engine *e, const char *addr)
{
	char *out = run(e, addr, true);
	json_error_t je;
	json_t *o;
	size_t n = strlen(out);

	/* One compact object on one line. */
	assert_true(n > 2 && out[n - 1] == '\n');
	assert_null(memchr(out, '\n', n - 1));
	o = json_loads(out, 0, &je);
	if (o == NULL)
		fail_msg("%s: %s", je.text, out);
	free(out);
	return o;
}

static const char *S(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("%s: not a string", key);
	return json_string_value(v);
}

/* No null anywhere (CONTRACT.md section 1). */
static void assert_no_null(json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		if (json_is_null(v))
			fail_msg("%s is null", k);
	}
}

static void test_json_fields(void **state)
{
	json_t *o = run_json(deflt, "35.180.0.10"), *laws;

	(void)state;
	assert_no_null(o);
	assert_string_equal(S(o, "address"), "35.180.0.10");
	assert_string_equal(S(o, "country"), "FR");
	assert_true(json_is_integer(json_object_get(o, "asn")));
	assert_int_equal(json_integer_value(json_object_get(o, "asn")), 16509);
	assert_string_equal(S(o, "as_org"), "Amazon.com, Inc.");
	assert_string_equal(S(o, "operator"), "Amazon Web Services");
	assert_string_equal(S(o, "operator_id"), "aws");
	assert_string_equal(S(o, "operator_parent"), "Amazon.com, Inc.");
	assert_string_equal(S(o, "jurisdiction"), "US");
	assert_true(json_is_true(json_object_get(o, "extraterritorial")));
	laws = json_object_get(o, "laws");
	assert_true(json_is_array(laws));
	assert_int_equal(json_array_size(laws), 2);
	assert_string_equal(json_string_value(json_array_get(laws, 0)),
			    "CLOUD Act");
	assert_string_equal(json_string_value(json_array_get(laws, 1)),
			    "FISA 702");
	assert_string_equal(S(o, "zone"), "eu");
	assert_string_equal(S(o, "verdict"), "eu_foreign_control");
	assert_string_equal(S(o, "rule"), "default.eu_foreign_control");
	assert_string_equal(S(o, "rule_action"), "flag");
	assert_string_equal(S(o, "severity"), "medium");
	assert_string_equal(S(o, "located_by"), "geoip");
	assert_string_equal(S(o, "registered_country"), "US");
	assert_string_equal(S(o, "policy_hash"), geo_engine_policy_hash(deflt));
	assert_string_equal(S(o, "reason"),
			    "35.180.0.10: FR, AS16509 Amazon.com, Inc. -> US (CLOUD Act, FISA 702): EU-hosted, foreign-controlled");
	assert_null(json_object_get(o, "site"));
	assert_null(json_object_get(o, "special"));
	assert_null(json_object_get(o, "anycast"));
	json_decref(o);
}

static void test_json_absent_keys(void **state)
{
	json_t *o;

	(void)state;
	/* Unknown: no country, asn, operator, jurisdiction, laws, zone. */
	o = run_json(deflt, "41.0.0.1");
	assert_no_null(o);
	assert_string_equal(S(o, "verdict"), "unknown");
	assert_string_equal(S(o, "rule"), "default.unknown");
	assert_string_equal(S(o, "severity"), "low");
	static const char *const absent[] = {
		"country", "asn", "as_org", "operator", "jurisdiction", "laws",
		"zone", "located_by", "extraterritorial",
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(*absent); i++)
		if (json_object_get(o, absent[i]) != NULL)
			fail_msg("41.0.0.1: %s should be absent", absent[i]);
	json_decref(o);

	/* Local: no rule matched, so no rule keys. */
	o = run_json(deflt, "192.168.1.5");
	assert_string_equal(S(o, "verdict"), "local");
	assert_string_equal(S(o, "special"), "private (RFC 1918)");
	assert_true(json_is_true(json_object_get(o, "home")));
	assert_null(json_object_get(o, "rule"));
	assert_null(json_object_get(o, "severity"));
	json_decref(o);

	/* EU operator: jurisdiction present, not extraterritorial, no laws. */
	o = run_json(deflt, "81.2.69.160");
	assert_string_equal(S(o, "jurisdiction"), "FR");
	assert_true(json_is_false(json_object_get(o, "extraterritorial")));
	assert_null(json_object_get(o, "laws"));
	assert_null(json_object_get(o, "rule"));
	json_decref(o);
}

static void test_json_site_anycast_adequacy(void **state)
{
	json_t *o;

	(void)state;
	o = run_json(model, "10.50.1.2");
	assert_string_equal(S(o, "site"), "sao-paulo");
	assert_string_equal(S(o, "country"), "BR");
	assert_string_equal(S(o, "zone"), "third");
	assert_string_equal(S(o, "verdict"), "third_country");
	assert_true(json_is_false(json_object_get(o, "home")));
	json_decref(o);

	o = run_json(model, "1.1.1.1");
	assert_true(json_is_true(json_object_get(o, "anycast")));
	assert_string_equal(S(o, "located_by"), "anycast-sensor");
	assert_string_equal(S(o, "country"), "FR");
	assert_string_equal(S(o, "geoip_country"), "AU");
	json_decref(o);

	o = run_json(model, "31.3.1.1");
	assert_string_equal(S(o, "zone"), "adequacy");
	assert_string_equal(S(o, "adequacy_decision"), "2000/518/EC");
	assert_string_equal(S(o, "verdict"), "adequate");
	assert_string_equal(S(o, "jurisdiction"), "US");
	json_decref(o);

	o = run_json(model, "64:ff9b::5102:45a0");
	assert_string_equal(S(o, "embedded_ipv4"), "81.2.69.160");
	assert_string_equal(S(o, "address"), "64:ff9b::5102:45a0");
	json_decref(o);

	o = run_json(model, "52.94.4.20");
	assert_string_equal(S(o, "cloud_provider"), "aws");
	assert_string_equal(S(o, "cloud_region"), "eu-west-3");
	assert_string_equal(S(o, "located_by"), "cloud-range");
	json_decref(o);
}

static void test_bad_address(void **state)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(geo_explain(deflt, "10.0.0.300", false, f, err,
				     sizeof(err)), -1);
	assert_string_equal(err, "10.0.0.300: not an IP address");
	assert_int_equal(geo_explain(deflt, "example.fr", true, f, err,
				     sizeof(err)), -1);
	assert_string_equal(err, "example.fr: not an IP address");
	assert_int_equal(geo_explain(deflt, "1.2.3.4\x1b[2J", true, f, err,
				     sizeof(err)), -1);
	assert_null(strchr(err, '\x1b'));	/* quoted, never raw */
	assert_int_equal(geo_explain(deflt, "", true, f, err, sizeof(err)),
			 -1);
	assert_string_equal(err, ": not an IP address");
	fclose(f);
	assert_int_equal(len, 0);	/* nothing written for a bad address */
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_foreign_control),
		cmocka_unit_test(test_text_site_and_cloud),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_json_absent_keys),
		cmocka_unit_test(test_json_site_anycast_adequacy),
		cmocka_unit_test(test_bad_address),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
