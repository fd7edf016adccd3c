/*
 * test_operators.c: the operator table: look-ups on the model fixture,
 * every validation error with its exact message, and the REAL data:
 * every controller a known jurisdiction, every ASN in geo/asn-check.csv
 * with an organisation matching the entry's as_org_match.
 */
#include <ctype.h>
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

#include "geo/operators.h"
#include "geo/zones.h"

static char repo[PATH_MAX];
static char tmpdir[PATH_MAX];
static struct zones *zones;

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* An operator entry with the given extra keys (after "source"). */
#define OP(id, extra) "{\"id\": \"" id "\", \"name\": \"N\", \"parent\": \"P\", " \
	"\"controller\": \"US\", \"category\": \"cloud\", \"source\": \"s\"" extra "}"

static void expect_error(const char *text, const char *msg)
{
	char err[1024] = "";
	struct operators *o;

	write_file("o.json", text);
	o = operators_load("o.json", zones, err, sizeof(err));
	if (o != NULL)
		fail_msg("loaded, expected %s", msg);
	if (strncmp(err, msg, strlen(msg)) != 0)
		fail_msg("got \"%s\"\nexpected \"%s\"", err, msg);
}

static int setup(void **state)
{
	char err[1024], zp[PATH_MAX + 64], jp[PATH_MAX + 64];

	(void)state;
	if (getcwd(repo, sizeof(repo)) == NULL)
		return -1;
	snprintf(zp, sizeof(zp), "%s/tests/fixtures/model/data/zones.json",
		 repo);
	snprintf(jp, sizeof(jp),
		 "%s/tests/fixtures/model/data/jurisdictions.json", repo);
	zones = zones_load(zp, jp, err, sizeof(err));
	if (zones == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bergerie-ops-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink("o.json");
	if (chdir(repo) != 0)
		return -1;
	rmdir(tmpdir);
	zones_free(zones);
	return 0;
}

static struct geo_addr A(const char *s)
{
	struct geo_addr a;

	if (!geo_addr_parse(s, &a))
		fail_msg("bad address %s", s);
	return a;
}

static void test_model(void **state)
{
	char err[1024], path[PATH_MAX + 64];
	struct operators *o;
	const struct geo_operator *op;
	const struct operator_prefix *p;
	struct geo_addr a;

	(void)state;
	snprintf(path, sizeof(path),
		 "%s/tests/fixtures/model/data/operators.json", repo);
	o = operators_load(path, zones, err, sizeof(err));
	if (o == NULL)
		fail_msg("%s", err);
	assert_int_equal(operators_count(o), 9);
	op = operators_by_asn(o, 16509);
	assert_non_null(op);
	assert_string_equal(op->id, "aws");
	assert_string_equal(op->name, "Amazon Web Services");
	assert_string_equal(op->parent, "Amazon.com, Inc.");
	assert_string_equal(op->controller, "US");
	assert_true(op->jurisdiction->extraterritorial);
	assert_int_equal(op->category, OPERATOR_CLOUD);
	assert_string_equal(op->source, "https://example.org/aws");
	assert_null(op->asn_source);
	assert_int_equal(op->nasns, 2);
	assert_int_equal(op->asns[1], 14618);
	assert_int_equal(op->nas_org_match, 1);
	assert_string_equal(op->as_org_match[0], "amazon");
	assert_ptr_equal(operators_by_asn(o, 14618), op);
	assert_string_equal(operators_by_asn(o, 3303)->id, "swisscom");
	assert_string_equal(operators_by_asn(o, 3303)->controller, "CH");
	assert_null(operators_by_asn(o, 1));
	assert_null(operators_by_asn(o, 0));
	assert_null(operators_by_asn(o, UINT32_MAX));
	assert_string_equal(operators_by_id(o, "s3ns")->name, "S3NS");
	assert_int_equal(operators_by_id(o, "s3ns")->nasns, 0);
	assert_null(operators_by_id(o, "nosuch"));
	assert_null(operators_by_id(o, NULL));
	a = A("1.1.1.1");
	p = operators_by_prefix(o, &a);
	assert_non_null(p);
	assert_true(p->anycast);
	assert_string_equal(p->op->id, "cloudflare");
	assert_string_equal(p->note, "resolver");
	a = A("2606:4700:4700::1111");
	p = operators_by_prefix(o, &a);
	assert_non_null(p);
	assert_null(p->note);
	assert_int_equal(p->prefix.len, 48);
	a = A("1.1.2.1");
	assert_null(operators_by_prefix(o, &a));
	assert_string_equal(operators_at(o, 8)->id, "s3ns");
	assert_null(operators_at(o, 9));
	assert_string_equal(operator_category_name(OPERATOR_SECURITY),
			    "security");
	operators_free(o);
}

static void test_errors(void **state)
{
	char deep[4096];
	size_t n;

	(void)state;
	n = (size_t)snprintf(deep, sizeof(deep), "{\"operators\": ");
	while (n < 3000)
		deep[n++] = '[';
	deep[n] = '\0';
	expect_error(deep, "o.json:1:2062: maximum parsing depth reached near '['");
	expect_error("{\"operators\": [" OP("a", ", \"name\": \"dup\"") "]}",
		     "o.json:1:");	/* duplicate key: a syntax error */
	expect_error("{\"operators\": [", "o.json:1:15: ']' expected near end of file");
	expect_error("{}", "o.json: /: missing key \"operators\"");
	expect_error("{\"operators\": {}}",
		     "o.json: /operators: expected an array");
	expect_error("{\"operators\": [], \"owners\": []}",
		     "o.json: /owners: unknown key \"owners\"");
	expect_error("{\"operators\": [\"aws\"]}",
		     "o.json: /operators/0: expected an object");
	expect_error("{\"operators\": [" OP("a", ", \"ceo\": \"x\"") "]}",
		     "o.json: /operators/0/ceo: unknown key \"ceo\"");
	expect_error("{\"operators\": [{\"id\": \"a\", \"name\": \"N\", \"controller\": \"US\", "
		     "\"category\": \"cloud\", \"source\": \"s\"}]}",
		     "o.json: /operators/0: missing key \"parent\"");
	expect_error("{\"operators\": [" OP("A b", "") "]}",
		     "o.json: /operators/0/id: expected an id of [a-z0-9_.-], got \"A b\"");
	expect_error("{\"operators\": [" OP("a", "") ", " OP("a", "") "]}",
		     "o.json: /operators/1/id: duplicate operator id, got \"a\"");
	expect_error("{\"operators\": [{\"id\": \"a\", \"name\": \"N\", \"parent\": \"P\", "
		     "\"controller\": \"XY\", \"category\": \"cloud\", \"source\": \"s\"}]}",
		     "o.json: /operators/0/controller: controller is not in jurisdictions.json, got \"XY\"");
	expect_error("{\"operators\": [{\"id\": \"a\", \"name\": \"N\", \"parent\": \"P\", "
		     "\"controller\": \"usa\", \"category\": \"cloud\", \"source\": \"s\"}]}",
		     "o.json: /operators/0/controller: expected a two-letter uppercase country code, got \"usa\"");
	expect_error("{\"operators\": [{\"id\": \"a\", \"name\": \"N\", \"parent\": \"P\", "
		     "\"controller\": \"US\", \"category\": \"isp\", \"source\": \"s\"}]}",
		     "o.json: /operators/0/category: expected one of cloud, cdn, saas, social, telecom, hosting, security, other, got \"isp\"");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [1, \"AS2\"], \"as_org_match\": [\"x\"]") "]}",
		     "o.json: /operators/0/asns/1: expected an AS number (an integer from 1 to 4294967295)");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [4294967296], \"as_org_match\": [\"x\"]") "]}",
		     "o.json: /operators/0/asns/0: expected an AS number (an integer from 1 to 4294967295)");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": 5") "]}",
		     "o.json: /operators/0/asns: expected an array of ASNs");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [5]") "]}",
		     "o.json: /operators/0: missing key \"as_org_match\" (required with \"asns\")");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [5], \"as_org_match\": []") "]}",
		     "o.json: /operators/0/as_org_match: expected a non-empty array of lowercase strings");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [5], \"as_org_match\": [\"Amazon\"]") "]}",
		     "o.json: /operators/0/as_org_match/0: expected a lowercase string, got \"Amazon\"");
	expect_error("{\"operators\": [" OP("a", ", \"asns\": [5, 7], \"as_org_match\": [\"x\"]") ", "
		     OP("b", ", \"asns\": [9, 7], \"as_org_match\": [\"y\"]") "]}",
		     "o.json: /operators/1/asns/1: AS7 is already listed for operator \"a\"");
	expect_error("{\"operators\": [" OP("a", ", \"prefixes\": [{\"cidr\": \"10.0.0/33\"}]") "]}",
		     "o.json: /operators/0/prefixes/0/cidr: expected a CIDR, got \"10.0.0/33\"");
	expect_error("{\"operators\": [" OP("a", ", \"prefixes\": [{\"cidr\": \"1.1.1.0/24\", \"anycast\": 1}]") "]}",
		     "o.json: /operators/0/prefixes/0/anycast: expected true or false");
	expect_error("{\"operators\": [" OP("a", ", \"prefixes\": [{\"cidr\": \"1.1.1.0/24\", \"where\": 1}]") "]}",
		     "o.json: /operators/0/prefixes/0/where: unknown key \"where\"");
	expect_error("{\"operators\": [" OP("a", ", \"prefixes\": [{\"cidr\": \"1.1.1.0/24\"}]") ", "
		     OP("b", ", \"prefixes\": [{\"cidr\": \"1.1.1.0/24\"}]") "]}",
		     "o.json: /operators/1/prefixes/0/cidr: 1.1.1.0/24 is already listed for operator \"a\"");
	expect_error("{\"operators\": [" OP("a", ", \"prefixes\": [\"1.1.1.0/24\"]") "]}",
		     "o.json: /operators/0/prefixes/0: expected an object");
}

/* geo/asn-check.csv: "# comment" lines, a header, then asn,"organisation"
 * rows (RFC 4180 quoting). Returns the rows read, -1 if absent. */
struct asn_row {
	uint32_t asn;
	char org[256];
};

static int read_asn_csv(const char *path, struct asn_row *rows, int max)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;
	bool header = false;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL && n < max) {
		char *p = line, *end;
		size_t o = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!header) {
			header = true;
			assert_int_equal(strncmp(line, "asn,organisation", 16), 0);
			continue;
		}
		rows[n].asn = (uint32_t)strtoul(p, &end, 10);
		assert_true(end > p && *end == ',');
		p = end + 1;
		if (*p == '"') {
			for (p++; *p && o + 1 < sizeof(rows[n].org); p++) {
				if (*p == '"' && p[1] == '"')
					rows[n].org[o++] = *p++;
				else if (*p == '"')
					break;
				else
					rows[n].org[o++] = *p;
			}
		} else {
			for (; *p && *p != '\n' && *p != '\r' &&
			       o + 1 < sizeof(rows[n].org); p++)
				rows[n].org[o++] = *p;
		}
		rows[n].org[o] = '\0';
		for (size_t k = 0; k < o; k++)
			rows[n].org[k] = (char)tolower((unsigned char)rows[n].org[k]);
		n++;
	}
	fclose(f);
	return n;
}

static void test_real_data(void **state)
{
	char err[1024], zp[PATH_MAX + 64], jp[PATH_MAX + 64],
	     op[PATH_MAX + 64], cp[PATH_MAX + 64];
	struct zones *rz;
	struct operators *o;
	static struct asn_row rows[20000];
	int nrows;
	size_t checked = 0;

	(void)state;
	snprintf(zp, sizeof(zp), "%s/geo/data/zones.json", repo);
	snprintf(jp, sizeof(jp), "%s/geo/data/jurisdictions.json", repo);
	snprintf(op, sizeof(op), "%s/geo/data/operators.json", repo);
	snprintf(cp, sizeof(cp), "%s/geo/asn-check.csv", repo);
	if (access(op, R_OK) != 0) {
		print_message("SKIP: %s absent\n", op);
		skip();
	}
	rz = zones_load(zp, jp, err, sizeof(err));
	if (rz == NULL)
		fail_msg("%s", err);
	o = operators_load(op, rz, err, sizeof(err));
	if (o == NULL)
		fail_msg("%s", err);
	assert_true(operators_count(o) > 0);
	/* Every controller is a known jurisdiction (the loader insists;
	 * checked again here so a loader change cannot hide it). */
	for (size_t i = 0; i < operators_count(o); i++) {
		const struct geo_operator *x = operators_at(o, i);

		if (zones_jurisdiction(rz, x->controller) == NULL)
			fail_msg("%s: controller %s unknown", x->id,
				 x->controller);
		assert_non_null(x->parent);
		assert_non_null(x->source);
	}
	/* CONTRACT.md section 6: the anycast resolvers. */
	{
		struct geo_addr a;

		assert_true(geo_addr_parse("1.1.1.1", &a));
		assert_non_null(operators_by_prefix(o, &a));
		assert_true(operators_by_prefix(o, &a)->anycast);
		assert_string_equal(operators_by_prefix(o, &a)->op->controller,
				    "US");
	}
	nrows = read_asn_csv(cp, rows, (int)(sizeof(rows) / sizeof(*rows)));
	if (nrows < 0) {
		print_message("SKIP: %s absent: ASN organisations not checked\n",
			      cp);
		operators_free(o);
		zones_free(rz);
		skip();
	}
	for (size_t i = 0; i < operators_count(o); i++) {
		const struct geo_operator *x = operators_at(o, i);

		for (size_t k = 0; k < x->nasns; k++) {
			bool found = false, matched = false;

			for (int r = 0; r < nrows; r++) {
				if (rows[r].asn != x->asns[k])
					continue;
				found = true;
				for (size_t m = 0; m < x->nas_org_match; m++)
					matched |= strstr(rows[r].org,
							  x->as_org_match[m]) != NULL;
			}
			if (!found)
				fail_msg("%s: AS%u is not in asn-check.csv",
					 x->id, x->asns[k]);
			if (!matched)
				fail_msg("%s: AS%u's organisation matches none of as_org_match",
					 x->id, x->asns[k]);
			checked++;
		}
	}
	print_message("checked %zu ASNs against %d rows of asn-check.csv\n",
		      checked, nrows);
	assert_true(checked > 0);
	operators_free(o);
	zones_free(rz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_real_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
