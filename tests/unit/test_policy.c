/*
 * test_policy.c: policy loading (every error path, exact messages),
 * matching (first match wins, every key), the default policy and the hash.
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

#include "geo/operators.h"
#include "geo/policy.h"
#include "geo/zones.h"

static char repo[PATH_MAX];
static char tmpdir[PATH_MAX];
static struct zones *zones;
static struct operators *ops;

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct policy *load_text(const char *text, char *err, size_t errlen)
{
	write_file("p.json", text);
	return policy_load("p.json", ops, err, errlen);
}

static void expect_error(const char *text, const char *msg)
{
	char err[1024] = "";
	struct policy *p = load_text(text, err, sizeof(err));

	if (p != NULL)
		fail_msg("loaded, expected: %s\n%s", msg, text);
	assert_string_equal(err, msg);
}

static void expect_error_prefix(const char *text, const char *msg)
{
	char err[1024] = "";
	struct policy *p = load_text(text, err, sizeof(err));

	if (p != NULL)
		fail_msg("loaded, expected: %s", msg);
	if (strncmp(err, msg, strlen(msg)) != 0)
		fail_msg("got \"%s\", expected prefix \"%s\"", err, msg);
}

static struct policy *must_load(const char *text)
{
	char err[1024] = "";
	struct policy *p = load_text(text, err, sizeof(err));

	if (p == NULL)
		fail_msg("%s", err);
	return p;
}

static int setup(void **state)
{
	char err[1024], zp[PATH_MAX + 64], jp[PATH_MAX + 64], op[PATH_MAX + 64];

	(void)state;
	if (getcwd(repo, sizeof(repo)) == NULL)
		return -1;
	snprintf(zp, sizeof(zp), "%s/tests/fixtures/model/data/zones.json",
		 repo);
	snprintf(jp, sizeof(jp),
		 "%s/tests/fixtures/model/data/jurisdictions.json", repo);
	snprintf(op, sizeof(op), "%s/tests/fixtures/model/data/operators.json",
		 repo);
	zones = zones_load(zp, jp, err, sizeof(err));
	if (zones == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	ops = operators_load(op, zones, err, sizeof(err));
	if (ops == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bergerie-policy-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink("p.json");
	unlink("q.json");
	unlink("big.json");
	if (chdir(repo) != 0)
		return -1;
	rmdir(tmpdir);
	operators_free(ops);
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

/* A subject for an ordinary outbound flow; tests change what they need. */
static struct policy_subject subject(const struct geo_addr *internal,
				     const struct geo_addr *remote)
{
	return (struct policy_subject){
		.internal = internal, .remote = remote,
		.verdict = VERDICT_THIRD_COUNTRY, .country = "US",
		.zone = ZONE_THIRD, .asn = 16509, .jurisdiction = "US",
		.extraterritorial = true, .server_name = NULL,
		.transport = 6, .remote_port = 443,
	};
}

/* The default policy. */

static void test_default_builtin(void **state)
{
	char err[512];
	struct policy *p = policy_load(NULL, ops, err, sizeof(err));
	const struct policy_rule *r;
	struct geo_addr in = A("10.0.0.5"), out = A("35.180.0.10");
	struct policy_subject s = subject(&in, &out);

	(void)state;
	assert_non_null(p);
	assert_int_equal(policy_rule_count(p), 3);
	r = policy_rule_at(p, 0);
	assert_string_equal(r->id, "default.third_country");
	assert_int_equal(r->action, POLICY_FLAG);
	assert_int_equal(r->severity, SEVERITY_HIGH);
	r = policy_rule_at(p, 1);
	assert_string_equal(r->id, "default.eu_foreign_control");
	assert_int_equal(r->severity, SEVERITY_MEDIUM);
	r = policy_rule_at(p, 2);
	assert_string_equal(r->id, "default.unknown");
	assert_int_equal(r->severity, SEVERITY_LOW);
	assert_string_equal(policy_sensor_country(p), "");
	assert_true(policy_home_is_default(p));

	/* Verdict by verdict: the three flagged, the rest allowed. */
	s.verdict = VERDICT_THIRD_COUNTRY;
	assert_ptr_equal(policy_match(p, &s), policy_rule_at(p, 0));
	s.verdict = VERDICT_EU_FOREIGN_CONTROL;
	assert_ptr_equal(policy_match(p, &s), policy_rule_at(p, 1));
	s.verdict = VERDICT_UNKNOWN;
	assert_ptr_equal(policy_match(p, &s), policy_rule_at(p, 2));
	s.verdict = VERDICT_EU;
	assert_null(policy_match(p, &s));
	s.verdict = VERDICT_ADEQUATE;
	assert_null(policy_match(p, &s));
	s.verdict = VERDICT_LOCAL;
	assert_null(policy_match(p, &s));
	policy_free(p);
}

static void test_default_file_equals_builtin(void **state)
{
	char err[512], path[PATH_MAX + 64];
	struct policy *b, *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/geo/data/default-policy.json", repo);
	b = policy_load(NULL, ops, err, sizeof(err));
	f = policy_load(path, ops, err, sizeof(err));
	assert_non_null(b);
	if (f == NULL)
		fail_msg("%s", err);
	/* Same canonical document, so the same hash, so the same rules. */
	assert_string_equal(policy_hash(b), policy_hash(f));
	assert_int_equal(policy_rule_count(b), policy_rule_count(f));
	for (size_t i = 0; i < policy_rule_count(b); i++) {
		assert_string_equal(policy_rule_at(b, i)->id,
				    policy_rule_at(f, i)->id);
		assert_string_equal(policy_rule_at(b, i)->name,
				    policy_rule_at(f, i)->name);
		assert_int_equal(policy_rule_at(b, i)->severity,
				 policy_rule_at(f, i)->severity);
	}
	policy_free(b);
	policy_free(f);
}

/* The examples name operators of the real table (bleu, s3ns, aws). */
static void test_examples_load(void **state)
{
	static const char *const names[] = { "trusted-cloud.json",
					     "multinational.json" };
	char err[1024], path[PATH_MAX + 64], jp[PATH_MAX + 64];
	struct zones *rz;
	struct operators *ro;

	(void)state;
	snprintf(path, sizeof(path), "%s/geo/data/zones.json", repo);
	snprintf(jp, sizeof(jp), "%s/geo/data/jurisdictions.json", repo);
	rz = zones_load(path, jp, err, sizeof(err));
	if (rz == NULL)
		fail_msg("%s", err);
	snprintf(path, sizeof(path), "%s/geo/data/operators.json", repo);
	ro = operators_load(path, rz, err, sizeof(err));
	if (ro == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < 2; i++) {
		struct policy *p;

		snprintf(path, sizeof(path), "%s/geo/examples/%s", repo,
			 names[i]);
		p = policy_load(path, ro, err, sizeof(err));
		if (p == NULL)
			fail_msg("%s", err);
		assert_string_equal(policy_sensor_country(p), "FR");
		policy_free(p);
	}
	operators_free(ro);
	zones_free(rz);
}

/* The hash. */

static void test_hash(void **state)
{
	struct policy *a, *b, *c;
	char ha[16], hb[16];

	(void)state;
	a = must_load("{\"sensor_country\": \"FR\", \"rules\": [{\"id\": \"x\", "
		      "\"name\": \"X\", \"action\": \"flag\", \"severity\": "
		      "\"high\", \"country\": \"US\"}]}");
	strcpy(ha, policy_hash(a));
	/* Same policy, keys reordered and whitespace changed. */
	b = must_load("{\n  \"rules\": [ {\"severity\": \"high\", \"country\": "
		      "\"US\",\n \"action\": \"flag\", \"name\": \"X\", \"id\": "
		      "\"x\"} ],\n  \"sensor_country\": \"FR\"\n}\n");
	strcpy(hb, policy_hash(b));
	assert_int_equal(strlen(ha), 12);
	assert_int_equal(strspn(ha, "0123456789abcdef"), 12);
	assert_string_equal(ha, hb);
	/* One value changed: another hash. */
	c = must_load("{\"sensor_country\": \"DE\", \"rules\": [{\"id\": \"x\", "
		      "\"name\": \"X\", \"action\": \"flag\", \"severity\": "
		      "\"high\", \"country\": \"US\"}]}");
	assert_string_not_equal(ha, policy_hash(c));
	policy_free(a);
	policy_free(b);
	policy_free(c);
}

static void test_hash_value(void **state)
{
	/* sha256('{}') = 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a */
	struct policy *p = must_load("  { }  ");

	(void)state;
	assert_string_equal(policy_hash(p), "44136fa355b3");
	policy_free(p);
}

/* Errors, each with its exact message. */

#define RULE(extra) "{\"rules\": [{\"id\": \"r\", \"name\": \"R\", " \
	"\"action\": \"flag\", \"severity\": \"low\"" extra "}]}"

static void test_errors_syntax(void **state)
{
	char deep[8192];
	size_t n;

	(void)state;
	expect_error("{\"rules\": [}",
		     "p.json:1:12: unexpected token near '}'");
	expect_error("{\"rules\": [],\n \"rules\": []}",
		     "p.json:2:8: duplicate object key near '\"rules\"'");
	expect_error("", "p.json:1:0: '[' or '{' expected near end of file");
	n = (size_t)snprintf(deep, sizeof(deep), "{\"rules\":");
	while (n < 5000)
		deep[n++] = '[';
	deep[n] = '\0';
	expect_error(deep,
		     "p.json:1:2057: maximum parsing depth reached near '['");
	expect_error("[]", "p.json: /: expected a policy object, got an array");
	expect_error("42", "p.json:1:2: '[' or '{' expected near '42'");
	expect_error("{\"rules\": [\"\\u0000\"]}",
		     "p.json:1:19: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"\\u0000\"'");
}

static void test_errors_huge(void **state)
{
	FILE *f = fopen("big.json", "w");
	char err[512];

	(void)state;
	assert_non_null(f);
	fputs("{\"description\": \"", f);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fputs("0123456789012345678901234567890123456789012345678901234567890123", f);
	fputs("\"}", f);
	fclose(f);
	assert_null(policy_load("big.json", ops, err, sizeof(err)));
	assert_string_equal(err,
			    "big.json: 5242899 bytes, over the limit of 4194304");
	assert_null(policy_load("missing.json", ops, err, sizeof(err)));
	assert_string_equal(err, "missing.json: No such file or directory");
}

static void test_errors_top(void **state)
{
	(void)state;
	expect_error_prefix("{\"rule\": []}",
			    "p.json: /rule: unknown key \"rule\"");
	expect_error("{\"sensor_country\": \"France\"}",
		     "p.json: /sensor_country: expected a two-letter uppercase country code, got \"France\"");
	expect_error("{\"sensor_country\": 33}",
		     "p.json: /sensor_country: expected a non-empty string, got 33");
	expect_error("{\"nat64_prefixes\": [\"64:ff9b:2::/64\"]}",
		     "p.json: /nat64_prefixes/0: expected an IPv6 /96 NAT64 prefix, got \"64:ff9b:2::/64\"");
	expect_error("{\"nat64_prefixes\": \"2001:db8::/96\"}",
		     "p.json: /nat64_prefixes: expected a list of IPv6 /96 prefixes, got \"2001:db8::/96\"");
	expect_error("{\"home_networks\": \"10.0.0.0/8\"}",
		     "p.json: /home_networks: expected a list of CIDRs, got \"10.0.0.0/8\"");
	expect_error("{\"home_networks\": [\"10.0.0.0/8\", \"10.0.0.1/8\"]}",
		     "p.json: /home_networks/1: expected a CIDR, got \"10.0.0.1/8\"");
	expect_error("{\"rules\": {}}",
		     "p.json: /rules: expected an array of rules, got an object");
	expect_error("{\"rules\": [42]}",
		     "p.json: /rules/0: expected a rule object, got 42");
}

static void test_errors_rules(void **state)
{
	(void)state;
	expect_error("{\"rules\": ["
		     "{\"id\": \"a\", \"name\": \"A\", \"action\": \"allow\"},"
		     "{\"id\": \"b\", \"name\": \"B\", \"action\": \"allow\"},"
		     "{\"id\": \"c\", \"name\": \"C\", \"action\": \"allow\"},"
		     "{\"id\": \"d\", \"name\": \"D\", \"action\": \"allow\", "
		     "\"cidr\": \"10.0.0/33\"}]}",
		     "p.json: /rules/3/cidr: expected a CIDR, got \"10.0.0/33\"");
	expect_error(RULE(", \"cidr\": [\"10.0.0.0/8\", \"300.1.1.1\"]"),
		     "p.json: /rules/0/cidr/1: expected a CIDR, got \"300.1.1.1\"");
	expect_error(RULE(", \"internal_cidr\": 10"),
		     "p.json: /rules/0/internal_cidr: expected a CIDR, got 10");
	expect_error("{\"rules\": [{\"name\": \"R\", \"action\": \"allow\"}]}",
		     "p.json: /rules/0: missing key \"id\"");
	expect_error("{\"rules\": [{\"id\": \"r\", \"action\": \"allow\"}]}",
		     "p.json: /rules/0: missing key \"name\"");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"R\"}]}",
		     "p.json: /rules/0: missing key \"action\"");
	expect_error("{\"rules\": [{\"id\": \"Bad Id\", \"name\": \"R\", \"action\": \"allow\"}]}",
		     "p.json: /rules/0/id: expected an id of [a-z0-9_.-], got \"Bad Id\"");
	expect_error("{\"rules\": [{\"id\": \"a\", \"name\": \"A\", \"action\": \"allow\"},"
		     "{\"id\": \"a\", \"name\": \"B\", \"action\": \"allow\"}]}",
		     "p.json: /rules/1/id: duplicate rule id \"a\" (also /rules/0)");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"R\", \"action\": \"block\"}]}",
		     "p.json: /rules/0/action: expected \"allow\" or \"flag\", got \"block\"");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"R\", \"action\": \"flag\"}]}",
		     "p.json: /rules/0: a flag rule needs a \"severity\"");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"R\", \"action\": \"allow\", \"severity\": \"low\"}]}",
		     "p.json: /rules/0/severity: an allow rule has no severity");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"R\", \"action\": \"flag\", \"severity\": \"urgent\"}]}",
		     "p.json: /rules/0/severity: expected a severity (low, medium, high, critical), got \"urgent\"");
	expect_error_prefix(RULE(", \"cidrs\": []"),
			    "p.json: /rules/0/cidrs: unknown key \"cidrs\"");
	expect_error(RULE(", \"verdict\": [\"eu\", \"foreign\"]"),
		     "p.json: /rules/0/verdict/1: expected a verdict (local, eu, eu_foreign_control, adequate, third_country, unknown), got \"foreign\"");
	expect_error(RULE(", \"verdict\": []"),
		     "p.json: /rules/0/verdict: expected a value or a non-empty list");
	expect_error(RULE(", \"zone\": \"EU\""),
		     "p.json: /rules/0/zone: expected a zone (eu, eea, adequacy, third), got \"EU\"");
	expect_error(RULE(", \"country\": \"fr\""),
		     "p.json: /rules/0/country: expected a two-letter uppercase country code, got \"fr\"");
	expect_error(RULE(", \"jurisdiction\": [\"US\", null]"),
		     "p.json: /rules/0/jurisdiction/1: expected a two-letter uppercase country code, got null");
	expect_error(RULE(", \"asn\": \"AS16509\""),
		     "p.json: /rules/0/asn: expected an AS number (1 to 4294967295), got \"AS16509\"");
	expect_error(RULE(", \"asn\": [1, 4294967296]"),
		     "p.json: /rules/0/asn/1: expected an AS number (1 to 4294967295), got 4294967296");
	expect_error(RULE(", \"asn\": 0"),
		     "p.json: /rules/0/asn: expected an AS number (1 to 4294967295), got 0");
	expect_error(RULE(", \"port\": 70000"),
		     "p.json: /rules/0/port: expected a port (0-65535) or a range (\"8000-8100\"), got 70000");
	expect_error(RULE(", \"port\": [\"9-3\"]"),
		     "p.json: /rules/0/port/0: expected a port (0-65535) or a range (\"8000-8100\"), got \"9-3\"");
	expect_error(RULE(", \"port\": \"http\""),
		     "p.json: /rules/0/port: expected a port (0-65535) or a range (\"8000-8100\"), got \"http\"");
	expect_error(RULE(", \"transport\": \"tcpp\""),
		     "p.json: /rules/0/transport: expected a transport (tcp, udp, icmp, ipv6-icmp, sctp, gre, esp, ah, igmp, udplite or a protocol number), got \"tcpp\"");
	expect_error(RULE(", \"transport\": 256"),
		     "p.json: /rules/0/transport: expected a transport (tcp, udp, icmp, ipv6-icmp, sctp, gre, esp, ah, igmp, udplite or a protocol number), got 256");
	expect_error(RULE(", \"server_name\": [\"ok.fr\", \"bad..fr\"]"),
		     "p.json: /rules/0/server_name/1: expected a server name (\"example.fr\") or suffix (\".example.fr\"), got \"bad..fr\"");
	expect_error(RULE(", \"server_name\": \".\""),
		     "p.json: /rules/0/server_name: expected a server name (\"example.fr\") or suffix (\".example.fr\"), got \".\"");
	expect_error(RULE(", \"server_name\": \"a b.fr\""),
		     "p.json: /rules/0/server_name: expected a server name (\"example.fr\") or suffix (\".example.fr\"), got \"a b.fr\"");
	expect_error(RULE(", \"extraterritorial\": \"yes\""),
		     "p.json: /rules/0/extraterritorial: expected true or false, got \"yes\"");
	expect_error("{\"rules\": [{\"id\": \"r\", \"name\": \"\", \"action\": \"allow\"}]}",
		     "p.json: /rules/0/name: expected a non-empty string, got \"\"");
}

static void test_errors_sites(void **state)
{
	(void)state;
	expect_error("{\"sites\": [{\"name\": \"x\", \"country\": \"BR\"}]}",
		     "p.json: /sites/0: missing key \"prefixes\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": [], \"country\": \"BR\"}]}",
		     "p.json: /sites/0/prefixes: expected a value or a non-empty list");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"Brazil\"}]}",
		     "p.json: /sites/0/country: expected a two-letter uppercase country code, got \"Brazil\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\", \"operator\": \"nosuch\"}]}",
		     "p.json: /sites/0/operator: expected an operator id from operators.json or an object {\"name\", \"controller\"}, got \"nosuch\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\", \"operator\": {\"name\": \"Vivo\"}}]}",
		     "p.json: /sites/0/operator: missing key \"controller\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\", \"operator\": {\"name\": \"Vivo\", \"controller\": \"es\"}}]}",
		     "p.json: /sites/0/operator/controller: expected a two-letter uppercase country code, got \"es\"");
	expect_error_prefix("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\", \"operator\": {\"name\": \"V\", \"controller\": \"ES\", \"owner\": \"T\"}}]}",
			    "p.json: /sites/0/operator/owner: unknown key \"owner\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\"},"
		     "{\"name\": \"y\", \"prefixes\": [\"10.60.0.0/16\", \"10.50.0.0/16\"], \"country\": \"CA\"}]}",
		     "p.json: /sites/1/prefixes/1: 10.50.0.0/16 is already declared for site \"x\"");
	expect_error("{\"sites\": [{\"name\": \"x\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\"},"
		     "{\"name\": \"x\", \"prefixes\": \"10.60.0.0/16\", \"country\": \"CA\"}]}",
		     "p.json: /sites/1/name: duplicate site name \"x\"");
	expect_error("{\"sites\": {\"x\": 1}}",
		     "p.json: /sites: expected an array of sites, got an object");
}

/* Sites and home networks. */

static void test_home_default(void **state)
{
	struct policy *p = must_load("{}");
	static const char *const home[] = {
		"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.5",
		"100.64.0.1", "100.127.255.255", "fc00::1", "fd12:3456::1",
	};
	static const char *const not_home[] = {
		"172.32.0.1", "100.128.0.1", "8.8.8.8", "169.254.1.1",
		"fe80::1", "2001:db8::1", "11.0.0.1", "::1",
	};
	struct geo_prefix m;

	(void)state;
	for (size_t i = 0; i < sizeof(home) / sizeof(*home); i++) {
		struct geo_addr a = A(home[i]);

		if (!policy_in_home(p, &a, &m))
			fail_msg("%s should be home", home[i]);
	}
	for (size_t i = 0; i < sizeof(not_home) / sizeof(*not_home); i++) {
		struct geo_addr a = A(not_home[i]);

		if (policy_in_home(p, &a, NULL))
			fail_msg("%s should not be home", not_home[i]);
	}
	/* The matched prefix is reported. */
	{
		struct geo_addr a = A("100.64.7.7");
		char buf[64];

		assert_true(policy_in_home(p, &a, &m));
		assert_string_equal(geo_prefix_format(&m, buf, sizeof(buf)),
				    "100.64.0.0/10");
	}
	policy_free(p);
}

static void test_home_replaced(void **state)
{
	struct policy *p = must_load("{\"home_networks\": [\"198.51.100.0/24\"]}");
	struct policy *q = must_load("{\"home_networks\": []}");
	struct geo_addr a = A("198.51.100.7"), b = A("10.0.0.1");

	(void)state;
	assert_false(policy_home_is_default(p));
	assert_true(policy_in_home(p, &a, NULL));
	assert_false(policy_in_home(p, &b, NULL));	/* replaced, not added */
	assert_false(policy_in_home(q, &b, NULL));
	policy_free(p);
	policy_free(q);
}

static void test_sites(void **state)
{
	struct policy *p = must_load(
		"{\"sites\": ["
		"{\"name\": \"sao-paulo\", \"prefixes\": \"10.50.0.0/16\", \"country\": \"BR\"},"
		"{\"name\": \"sp-dmz\", \"prefixes\": [\"10.50.9.0/24\"], \"country\": \"BR\","
		" \"operator\": {\"name\": \"Vivo\", \"parent\": \"Telefonica\", \"controller\": \"ES\"}},"
		"{\"name\": \"aws-fra\", \"prefixes\": [\"10.70.0.0/16\", \"fd70::/16\"], \"country\": \"DE\", \"operator\": \"aws\"}]}");
	const struct policy_site *s;
	struct geo_addr a = A("10.50.1.2"), b = A("10.50.9.9"),
			c = A("fd70::5"), d = A("10.51.0.1");
	struct geo_prefix m;
	char buf[64];

	(void)state;
	s = policy_site_lookup(p, &a, &m);
	assert_non_null(s);
	assert_string_equal(s->name, "sao-paulo");
	assert_string_equal(s->country, "BR");
	assert_null(s->operator_name);
	assert_string_equal(s->controller, "");
	assert_string_equal(geo_prefix_format(&m, buf, sizeof(buf)),
			    "10.50.0.0/16");
	/* Longest prefix wins. */
	s = policy_site_lookup(p, &b, &m);
	assert_string_equal(s->name, "sp-dmz");
	assert_string_equal(s->operator_name, "Vivo");
	assert_string_equal(s->operator_parent, "Telefonica");
	assert_string_equal(s->controller, "ES");
	assert_null(s->op);
	assert_string_equal(geo_prefix_format(&m, buf, sizeof(buf)),
			    "10.50.9.0/24");
	/* Operator id from the table. */
	s = policy_site_lookup(p, &c, NULL);
	assert_string_equal(s->name, "aws-fra");
	assert_non_null(s->op);
	assert_string_equal(s->op->id, "aws");
	assert_string_equal(s->operator_name, "Amazon Web Services");
	assert_string_equal(s->controller, "US");
	assert_null(policy_site_lookup(p, &d, NULL));
	/* 10/8 stays home for policy_in_home: sites are the engine's job. */
	assert_true(policy_in_home(p, &a, NULL));
	policy_free(p);
}

static void test_nat64_and_sensor(void **state)
{
	struct policy *p = must_load("{\"sensor_country\": \"FR\", "
				     "\"nat64_prefixes\": [\"2001:db8:64::/96\", \"64:ff9b:2::/96\"]}");
	const struct geo_prefix *n;
	size_t count;
	char buf[64];

	(void)state;
	assert_string_equal(policy_sensor_country(p), "FR");
	n = policy_nat64_prefixes(p, &count);
	assert_int_equal(count, 2);
	assert_string_equal(geo_prefix_format(&n[1], buf, sizeof(buf)),
			    "64:ff9b:2::/96");
	policy_free(p);
}

/* Matching. */

static void test_first_match_wins(void **state)
{
	struct policy *p = must_load(
		"{\"rules\": ["
		"{\"id\": \"allow-trusted\", \"name\": \"T\", \"action\": \"allow\", \"cidr\": \"35.180.0.0/16\"},"
		"{\"id\": \"flag-us\", \"name\": \"U\", \"action\": \"flag\", \"severity\": \"critical\", \"jurisdiction\": \"US\"},"
		"{\"id\": \"flag-all\", \"name\": \"A\", \"action\": \"flag\", \"severity\": \"low\"}]}");
	struct geo_addr in = A("10.0.0.5"), r1 = A("35.180.0.10"),
			r2 = A("52.94.4.1");
	struct policy_subject s = subject(&in, &r1);
	const struct policy_rule *r;

	(void)state;
	r = policy_match(p, &s);
	assert_string_equal(r->id, "allow-trusted");
	assert_int_equal(r->action, POLICY_ALLOW);
	s.remote = &r2;
	r = policy_match(p, &s);
	assert_string_equal(r->id, "flag-us");
	assert_int_equal(r->severity, SEVERITY_CRITICAL);
	assert_int_equal(r->index, 1);
	s.jurisdiction = "FR";
	assert_string_equal(policy_match(p, &s)->id, "flag-all");
	policy_free(p);
}

static void test_no_rules_no_alert(void **state)
{
	struct policy *p = must_load("{\"rules\": []}");
	struct geo_addr in = A("10.0.0.5"), r1 = A("35.180.0.10");
	struct policy_subject s = subject(&in, &r1);

	(void)state;
	assert_null(policy_match(p, &s));
	policy_free(p);
}

/* One rule per key; m(rule_json, subject) says whether it matched. */
static bool m(const char *keys, const struct policy_subject *s)
{
	char text[1024];
	struct policy *p;
	bool hit;

	snprintf(text, sizeof(text), RULE("%s"), keys);
	p = must_load(text);
	hit = policy_match(p, s) != NULL;
	policy_free(p);
	return hit;
}

static void test_match_keys(void **state)
{
	struct geo_addr in = A("10.1.2.3"), out = A("35.180.0.10"),
			v6 = A("64:ff9b::2394:a"), v4 = A("35.148.0.10");
	struct policy_subject s = subject(&in, &out), t;

	(void)state;
	/* internal_cidr */
	assert_true(m(", \"internal_cidr\": \"10.1.0.0/16\"", &s));
	assert_false(m(", \"internal_cidr\": \"10.2.0.0/16\"", &s));
	t = s;
	t.internal = NULL;	/* explain: no internal end */
	assert_false(m(", \"internal_cidr\": \"0.0.0.0/0\"", &t));
	/* cidr, ORed list, and the embedded IPv4 of a NAT64 address */
	assert_true(m(", \"cidr\": [\"1.0.0.0/8\", \"35.180.0.0/16\"]", &s));
	assert_false(m(", \"cidr\": \"35.181.0.0/16\"", &s));
	t = s;
	t.remote = &v6;
	t.remote_v4 = &v4;
	assert_true(m(", \"cidr\": \"35.148.0.0/16\"", &t));
	assert_true(m(", \"cidr\": \"64:ff9b::/96\"", &t));
	assert_false(m(", \"cidr\": \"35.180.0.0/16\"", &t));
	/* asn */
	assert_true(m(", \"asn\": [3215, 16509]", &s));
	assert_false(m(", \"asn\": 3215", &s));
	t = s;
	t.asn = 0;
	assert_false(m(", \"asn\": 16509", &t));
	/* country */
	assert_true(m(", \"country\": [\"FR\", \"US\"]", &s));
	assert_false(m(", \"country\": \"FR\"", &s));
	t = s;
	t.country = "";
	assert_false(m(", \"country\": \"US\"", &t));
	/* zone */
	assert_true(m(", \"zone\": \"third\"", &s));
	assert_false(m(", \"zone\": [\"eu\", \"eea\", \"adequacy\"]", &s));
	t = s;
	t.zone = ZONE_NONE;
	assert_false(m(", \"zone\": [\"eu\", \"eea\", \"adequacy\", \"third\"]", &t));
	/* verdict */
	assert_true(m(", \"verdict\": [\"unknown\", \"third_country\"]", &s));
	assert_false(m(", \"verdict\": \"eu\"", &s));
	/* jurisdiction and extraterritorial */
	assert_true(m(", \"jurisdiction\": \"US\"", &s));
	assert_false(m(", \"jurisdiction\": \"CN\"", &s));
	assert_true(m(", \"extraterritorial\": true", &s));
	assert_false(m(", \"extraterritorial\": false", &s));
	t = s;
	t.jurisdiction = "";
	t.extraterritorial = false;
	assert_false(m(", \"jurisdiction\": \"US\"", &t));
	assert_true(m(", \"extraterritorial\": false", &t));
	/* transport, by name and number */
	assert_true(m(", \"transport\": \"tcp\"", &s));
	assert_true(m(", \"transport\": [17, 6]", &s));
	assert_false(m(", \"transport\": [\"udp\", \"sctp\"]", &s));
	t = s;
	t.transport = 58;
	assert_true(m(", \"transport\": \"ipv6-icmp\"", &t));
	/* port, single and range */
	assert_true(m(", \"port\": 443", &s));
	assert_true(m(", \"port\": [\"400-500\"]", &s));
	assert_true(m(", \"port\": \"443-443\"", &s));
	assert_false(m(", \"port\": [80, \"444-65535\"]", &s));
	t = s;
	t.remote_port = -1;	/* ICMP: no port */
	assert_false(m(", \"port\": \"0-65535\"", &t));
	/* Keys are ANDed. */
	assert_true(m(", \"country\": \"US\", \"transport\": \"tcp\", \"port\": 443", &s));
	assert_false(m(", \"country\": \"US\", \"transport\": \"udp\", \"port\": 443", &s));
}

static void test_match_server_names(void **state)
{
	struct geo_addr in = A("10.1.2.3"), out = A("35.180.0.10");
	struct policy_subject s = subject(&in, &out);

	(void)state;
	/* Exact: the name itself, nothing else. */
	s.server_name = "example.fr";
	assert_true(m(", \"server_name\": \"example.fr\"", &s));
	s.server_name = "www.example.fr";
	assert_false(m(", \"server_name\": \"example.fr\"", &s));
	/* Suffix: the name itself and its subdomains at any depth. */
	s.server_name = "example.fr";
	assert_true(m(", \"server_name\": \".example.fr\"", &s));
	s.server_name = "www.example.fr";
	assert_true(m(", \"server_name\": \".example.fr\"", &s));
	s.server_name = "a.b.example.fr";
	assert_true(m(", \"server_name\": \".example.fr\"", &s));
	s.server_name = "badexample.fr";
	assert_false(m(", \"server_name\": \".example.fr\"", &s));
	s.server_name = "example.fr.evil.com";
	assert_false(m(", \"server_name\": \".example.fr\"", &s));
	s.server_name = "fr";
	assert_false(m(", \"server_name\": \".example.fr\"", &s));
	/* Policy names are lowercased; wire names arrive lowercase. */
	s.server_name = "www.example.fr";
	assert_true(m(", \"server_name\": \".Example.FR\"", &s));
	/* No name known: a name rule cannot match. */
	s.server_name = NULL;
	assert_false(m(", \"server_name\": [\".example.fr\", \"x.fr\"]", &s));
}

/* A long bad value is cut to 64 bytes at a character boundary, so the
 * message stays valid UTF-8 (found by tests/fuzz/fuzz_policy.c; the input
 * is tests/fuzz/corpus/policy/regress-utf8-cut). */
static void test_error_cut_utf8(void **state)
{
	char text[512], want[512], e40[81], e29[59];

	(void)state;
	for (int i = 0; i < 40; i++)
		memcpy(e40 + 2 * i, "\xc3\xa9", 2);	/* U+00E9 */
	e40[80] = '\0';
	memcpy(e29, e40, 58);
	e29[58] = '\0';
	snprintf(text, sizeof(text),
		 "{\"rules\": [{\"id\": \"r\", \"name\": \"R\", \"action\": \"a%s\"}]}",
		 e40);
	/* json_dumps gives '"', 'a', then two bytes a character: byte 61
	 * is the second half of the 30th, so the cut keeps 29. */
	snprintf(want, sizeof(want),
		 "p.json: /rules/0/action: expected \"allow\" or \"flag\", got \"a%s...",
		 e29);
	expect_error(text, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_builtin),
		cmocka_unit_test(test_default_file_equals_builtin),
		cmocka_unit_test(test_examples_load),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_hash_value),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_huge),
		cmocka_unit_test(test_errors_top),
		cmocka_unit_test(test_errors_rules),
		cmocka_unit_test(test_errors_sites),
		cmocka_unit_test(test_home_default),
		cmocka_unit_test(test_home_replaced),
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_nat64_and_sensor),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_no_rules_no_alert),
		cmocka_unit_test(test_match_keys),
		cmocka_unit_test(test_match_server_names),
		cmocka_unit_test(test_error_cut_utf8),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
