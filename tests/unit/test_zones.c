/*
 * test_zones.c: zones.json and jurisdictions.json: look-ups on the model
 * fixture, every validation error with its exact message, the real files.
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

#include "geo/zones.h"

static char repo[PATH_MAX];
static char tmpdir[PATH_MAX];

static const char good_zones[] =
	"{\"eu\": [{\"code\": \"FR\", \"name\": \"France\"}], \"eea\": [], "
	"\"adequacy\": []}";
static const char good_juris[] =
	"{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"United States\", "
	"\"extraterritorial\": true, \"laws\": [\"CLOUD Act\"], "
	"\"sources\": [\"https://example.org\"]}]}";

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void expect_error(const char *zones_text, const char *juris_text,
			 const char *msg)
{
	char err[1024] = "";
	struct zones *z;

	write_file("z.json", zones_text);
	write_file("j.json", juris_text);
	z = zones_load("z.json", "j.json", err, sizeof(err));
	if (z != NULL)
		fail_msg("loaded, expected %s", msg);
	if (strncmp(err, msg, strlen(msg)) != 0)
		fail_msg("got \"%s\"\nexpected \"%s\"", err, msg);
}

static int setup(void **state)
{
	(void)state;
	if (getcwd(repo, sizeof(repo)) == NULL)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bergerie-zones-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink("z.json");
	unlink("j.json");
	if (chdir(repo) != 0)
		return -1;
	rmdir(tmpdir);
	return 0;
}

static struct zones *load_model(void)
{
	char err[1024], zp[PATH_MAX + 64], jp[PATH_MAX + 64];
	struct zones *z;

	snprintf(zp, sizeof(zp), "%s/tests/fixtures/model/data/zones.json",
		 repo);
	snprintf(jp, sizeof(jp),
		 "%s/tests/fixtures/model/data/jurisdictions.json", repo);
	z = zones_load(zp, jp, err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	return z;
}

static void test_names(void **state)
{
	enum zone z;

	(void)state;
	assert_string_equal(zone_name(ZONE_EU), "eu");
	assert_string_equal(zone_name(ZONE_EEA), "eea");
	assert_string_equal(zone_name(ZONE_ADEQUACY), "adequacy");
	assert_string_equal(zone_name(ZONE_THIRD), "third");
	assert_null(zone_name(ZONE_NONE));
	assert_true(zone_parse("adequacy", &z));
	assert_int_equal(z, ZONE_ADEQUACY);
	assert_false(zone_parse("EU", &z));
	assert_false(zone_parse(NULL, &z));
	assert_true(country_code_valid("FR"));
	assert_false(country_code_valid("fr"));
	assert_false(country_code_valid("FRA"));
	assert_false(country_code_valid("F"));
	assert_false(country_code_valid(""));
	assert_false(country_code_valid(NULL));
	assert_false(country_code_valid("F1"));
}

static void test_lookups(void **state)
{
	struct zones *z = load_model();
	const struct adequacy *a;
	const struct jurisdiction *j;

	(void)state;
	assert_string_equal(zones_version(z), "model-1");
	assert_int_equal(zones_zone(z, "FR"), ZONE_EU);
	assert_int_equal(zones_zone(z, "NL"), ZONE_EU);
	assert_int_equal(zones_zone(z, "IS"), ZONE_EEA);
	assert_int_equal(zones_zone(z, "CH"), ZONE_ADEQUACY);
	assert_int_equal(zones_zone(z, "US"), ZONE_THIRD);
	assert_int_equal(zones_zone(z, "BR"), ZONE_THIRD);
	assert_int_equal(zones_zone(z, ""), ZONE_NONE);
	assert_int_equal(zones_zone(z, NULL), ZONE_NONE);
	assert_int_equal(zones_zone(z, "ZZ"), ZONE_NONE);
	assert_int_equal(zones_zone(z, "XX"), ZONE_NONE);
	assert_int_equal(zones_zone(z, "fr"), ZONE_NONE);
	assert_string_equal(zones_country_name(z, "DE"), "Germany");
	assert_string_equal(zones_country_name(z, "US"), "United States");
	assert_null(zones_country_name(z, "BR"));
	a = zones_adequacy(z, "CH");
	assert_non_null(a);
	assert_string_equal(a->decision, "2000/518/EC");
	assert_string_equal(a->date, "2000-07-26");
	assert_string_equal(a->scope, "full");
	assert_null(zones_adequacy(z, "FR"));
	j = zones_jurisdiction(z, "US");
	assert_non_null(j);
	assert_true(j->extraterritorial);
	assert_int_equal(j->nlaws, 2);
	assert_string_equal(j->laws[0], "CLOUD Act");
	assert_string_equal(j->laws[1], "FISA 702");
	assert_string_equal(j->laws_text, "CLOUD Act, FISA 702");
	j = zones_jurisdiction(z, "CH");
	assert_false(j->extraterritorial);
	assert_int_equal(j->nlaws, 0);
	assert_string_equal(j->laws_text, "");
	assert_null(zones_jurisdiction(z, "CN"));
	assert_int_equal(zones_jurisdiction_count(z), 4);
	assert_string_equal(zones_jurisdiction_at(z, 1)->code, "RU");
	assert_null(zones_jurisdiction_at(z, 4));
	zones_free(z);
}

static void test_errors_zones(void **state)
{
	(void)state;
	expect_error("{\"eu\": [", good_juris,
		     "z.json:1:8: ");
	expect_error("[]", good_juris, "z.json: /: expected an object");
	expect_error("{\"eu\": [], \"eea\": [], \"adequacy\": [], \"extra\": 1}",
		     good_juris, "z.json: /extra: unknown key \"extra\"");
	expect_error("{\"eea\": [], \"adequacy\": []}", good_juris,
		     "z.json: /: missing key \"eu\"");
	expect_error("{\"eu\": {}, \"eea\": [], \"adequacy\": []}", good_juris,
		     "z.json: /eu: expected an array");
	expect_error("{\"eu\": [{\"code\": \"fr\", \"name\": \"France\"}], \"eea\": [], \"adequacy\": []}",
		     good_juris,
		     "z.json: /eu/0/code: expected a two-letter uppercase country code, got \"fr\"");
	expect_error("{\"eu\": [{\"code\": \"FR\"}], \"eea\": [], \"adequacy\": []}",
		     good_juris, "z.json: /eu/0: missing key \"name\"");
	expect_error("{\"eu\": [{\"code\": \"FR\", \"name\": 3}], \"eea\": [], \"adequacy\": []}",
		     good_juris, "z.json: /eu/0/name: expected a non-empty string");
	expect_error("{\"eu\": [{\"code\": \"FR\", \"name\": \"France\", \"capital\": \"Paris\"}], \"eea\": [], \"adequacy\": []}",
		     good_juris, "z.json: /eu/0/capital: unknown key \"capital\"");
	expect_error("{\"eu\": [{\"code\": \"FR\", \"name\": \"France\"}], "
		     "\"eea\": [], \"adequacy\": [{\"code\": \"FR\", \"name\": \"F\", "
		     "\"decision\": \"d\", \"date\": \"x\", \"scope\": \"full\", \"source\": \"s\"}]}",
		     good_juris,
		     "z.json: /adequacy/0/code: FR is listed twice (already in \"eu\")");
	expect_error("{\"eu\": [], \"eea\": [], \"adequacy\": [{\"code\": \"CH\", \"name\": \"S\", "
		     "\"date\": \"x\", \"scope\": \"full\", \"source\": \"s\"}]}",
		     good_juris, "z.json: /adequacy/0: missing key \"decision\"");
	expect_error("{\"eu\": [], \"eea\": [], \"adequacy\": [], \"notes\": [1]}",
		     good_juris, "z.json: /notes/0: expected a non-empty string");
	expect_error("{\"eu\": [], \"eea\": [], \"adequacy\": [], \"version\": 2}",
		     good_juris, "z.json: /version: expected a non-empty string");
}

static void test_errors_jurisdictions(void **state)
{
	(void)state;
	expect_error(good_zones, "{\"jurisdictions\": [}", "j.json:1:20: ");
	expect_error(good_zones, "{}", "j.json: /: missing key \"jurisdictions\"");
	expect_error(good_zones, "{\"jurisdictions\": [], \"x\": 1}",
		     "j.json: /x: unknown key \"x\"");
	expect_error(good_zones, "{\"jurisdictions\": [7]}",
		     "j.json: /jurisdictions/0: expected an object");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"USA\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0/code: expected a two-letter uppercase country code, got \"USA\"");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": \"yes\", "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0/extraterritorial: expected true or false");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0: missing key \"extraterritorial\"");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0/extraterritorial: an extraterritorial jurisdiction must name the laws that reach data abroad");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"CH\", \"name\": \"S\", \"extraterritorial\": false, "
		     "\"laws\": [\"X\"], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0/laws: laws are listed only for an extraterritorial jurisdiction");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [\"CLOUD Act\", 5], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/0/laws/1: expected a non-empty string");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": []}]}",
		     "j.json: /jurisdictions/0/sources: at least one source is required");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": [\"s\"]},"
		     "{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": false, "
		     "\"laws\": [], \"sources\": [\"s\"]}]}",
		     "j.json: /jurisdictions/1/code: jurisdiction US is listed twice");
	expect_error(good_zones,
		     "{\"jurisdictions\": [{\"code\": \"US\", \"name\": \"U\", \"extraterritorial\": true, "
		     "\"laws\": [\"CLOUD Act\"], \"sources\": [\"s\"], \"reach\": \"global\"}]}",
		     "j.json: /jurisdictions/0/reach: unknown key \"reach\"");
}

static void test_missing_file(void **state)
{
	char err[512];

	(void)state;
	assert_null(zones_load("nope.json", "j.json", err, sizeof(err)));
	assert_string_equal(err, "nope.json: No such file or directory");
}

static void test_real_files(void **state)
{
	char err[1024], zp[PATH_MAX + 64], jp[PATH_MAX + 64];
	struct zones *z;
	static const char *const eu27[] = {
		"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
		"DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
		"PL", "PT", "RO", "SK", "SI", "ES", "SE",
	};

	(void)state;
	snprintf(zp, sizeof(zp), "%s/geo/data/zones.json", repo);
	snprintf(jp, sizeof(jp), "%s/geo/data/jurisdictions.json", repo);
	if (access(zp, R_OK) != 0) {
		print_message("SKIP: %s absent\n", zp);
		skip();
	}
	z = zones_load(zp, jp, err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < 27; i++)
		if (zones_zone(z, eu27[i]) != ZONE_EU)
			fail_msg("%s is not in the EU list", eu27[i]);
	assert_int_equal(zones_zone(z, "IS"), ZONE_EEA);
	assert_int_equal(zones_zone(z, "LI"), ZONE_EEA);
	assert_int_equal(zones_zone(z, "NO"), ZONE_EEA);
	/* The US DPF decision covers certified organisations only. */
	assert_int_equal(zones_zone(z, "US"), ZONE_THIRD);
	assert_int_equal(zones_zone(z, "CH"), ZONE_ADEQUACY);
	assert_int_equal(zones_zone(z, "GB"), ZONE_ADEQUACY);
	assert_int_equal(zones_zone(z, "JP"), ZONE_ADEQUACY);
	assert_int_equal(zones_zone(z, "CN"), ZONE_THIRD);
	assert_true(zones_jurisdiction(z, "US")->extraterritorial);
	assert_true(zones_jurisdiction(z, "CN")->extraterritorial);
	assert_false(zones_jurisdiction(z, "CH")->extraterritorial);
	zones_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_errors_zones),
		cmocka_unit_test(test_errors_jurisdictions),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_real_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
