/*
 * fuzz_policy.c: the policy loader (geo/policy.h, policy_load_string) over
 * the real geo/data zones, jurisdictions and operators, loaded once.
 *
 * The input is the policy's text (a NUL is appended; an embedded NUL ends
 * the text early, as it would for a file read as a string).
 *
 * Invariants: a load either gives a policy or an error that names the
 * file, is non-empty and is well-formed UTF-8 (it is printed and may be
 * written into JSON); a policy loads the same twice (same hash, 12
 * lowercase hex digits, same rules); rule ids are [a-z0-9_.-]+ and unique,
 * indices in order, severities and actions in range; sites name a valid
 * country; matching a few subjects never fails, and the first match is
 * the first rule that policy_rule_matches() accepts.
 */
#include "fuzz_common.h"
#include "geo/json_file.h"
#include "geo/policy.h"

static struct zones *zones;
static struct operators *ops;

static void load_data(void)
{
	char zp[512], jp[512], op[512], err[512];
	const char *d = fuzz_geo_data();

	snprintf(zp, sizeof(zp), "%s/zones.json", d);
	snprintf(jp, sizeof(jp), "%s/jurisdictions.json", d);
	snprintf(op, sizeof(op), "%s/operators.json", d);
	zones = zones_load(zp, jp, err, sizeof(err));
	if (!zones) {
		fprintf(stderr, "fuzz_policy: %s\n", err);
		abort();
	}
	ops = operators_load(op, zones, err, sizeof(err));
	if (!ops) {
		fprintf(stderr, "fuzz_policy: %s\n", err);
		abort();
	}
}

static void check_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t k = json_file_utf8_len((const unsigned char *)s + i,
					      n - i);

		FUZZ_CHECK(k > 0);
		i += k;
	}
}

static void check_match(const struct policy *p)
{
	static const char *const addrs[] = { "10.1.2.3", "192.0.2.7",
					     "8.8.8.8", "2001:db8::1",
					     "64:ff9b::808:808" };
	static const char *const countries[] = { "", "FR", "US", "CH" };
	struct geo_addr a[5];

	for (size_t i = 0; i < 5; i++)
		FUZZ_CHECK(geo_addr_parse(addrs[i], &a[i]));
	for (size_t i = 0; i < 5; i++) {
		struct policy_subject s;
		const struct policy_rule *m, *want = NULL;

		memset(&s, 0, sizeof(s));
		s.internal = &a[0];
		s.remote = &a[(i + 1) % 5];
		s.remote_v4 = i == 4 ? &a[2] : NULL;
		s.verdict = (enum verdict)(i % VERDICT_COUNT);
		s.country = countries[i % 4];
		s.zone = (enum zone)(i % 5);
		s.asn = i == 2 ? 15169 : 0;
		s.jurisdiction = countries[(i + 2) % 4];
		s.extraterritorial = i & 1;
		s.server_name = i == 3 ? "www.example.com" : NULL;
		s.transport = i & 1 ? 6 : 17;
		s.remote_port = i == 4 ? -1 : 443;
		m = policy_match(p, &s);
		for (size_t r = 0; r < policy_rule_count(p) && !want; r++)
			if (policy_rule_matches(policy_rule_at(p, r), &s))
				want = policy_rule_at(p, r);
		FUZZ_CHECK(m == want);
		(void)policy_site_lookup(p, s.remote, NULL);
		(void)policy_in_home(p, s.remote, NULL);
	}
}

static void check_policy(const struct policy *p, const struct policy *p2)
{
	const char *h = policy_hash(p);
	size_t n = policy_rule_count(p), nat;

	FUZZ_CHECK(strlen(h) == 12);
	for (size_t i = 0; i < 12; i++)
		FUZZ_CHECK((h[i] >= '0' && h[i] <= '9') ||
			   (h[i] >= 'a' && h[i] <= 'f'));
	FUZZ_CHECK(strcmp(h, policy_hash(p2)) == 0);
	FUZZ_CHECK(n == policy_rule_count(p2));
	FUZZ_CHECK(strcmp(policy_sensor_country(p),
			  policy_sensor_country(p2)) == 0);
	FUZZ_CHECK(policy_sensor_country(p)[0] == '\0' ||
		   country_code_valid(policy_sensor_country(p)));
	(void)policy_nat64_prefixes(p, &nat);
	for (size_t i = 0; i < n; i++) {
		const struct policy_rule *r = policy_rule_at(p, i);
		const char *id = r->id;

		FUZZ_CHECK(r->index == i);
		FUZZ_CHECK(id && id[0]);
		for (const char *c = id; *c; c++)
			FUZZ_CHECK((*c >= 'a' && *c <= 'z') ||
				   (*c >= '0' && *c <= '9') || *c == '_' ||
				   *c == '.' || *c == '-');
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(policy_rule_at(p, k)->id, id) != 0);
		FUZZ_CHECK(r->action == POLICY_ALLOW || r->action == POLICY_FLAG);
		FUZZ_CHECK((unsigned)r->severity < SEVERITY_COUNT);
		check_utf8(r->name ? r->name : "");
		FUZZ_CHECK(strcmp(id, policy_rule_at(p2, i)->id) == 0);
	}
	check_match(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "fuzz.json";
	char err[512], err2[512];
	struct policy *p, *p2;
	char *text;

	if (!zones)
		load_data();
	text = malloc(size + 1);
	FUZZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';

	err[0] = '\0';
	p = policy_load_string(text, name, ops, err, sizeof(err));
	if (!p) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(strncmp(err, name, sizeof(name) - 1) == 0);
		check_utf8(err);
		/* The same text fails the same way. */
		FUZZ_CHECK(!policy_load_string(text, name, ops, err2,
					       sizeof(err2)));
		FUZZ_CHECK(strcmp(err, err2) == 0);
		free(text);
		return 0;
	}
	p2 = policy_load_string(text, name, ops, err2, sizeof(err2));
	FUZZ_CHECK(p2);
	check_policy(p, p2);
	policy_free(p2);
	policy_free(p);
	free(text);
	return 0;
}
