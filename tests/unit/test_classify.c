/*
 * test_classify.c: the jurisdiction engine on fixture data.
 *
 * Data: tests/fixtures/model/ (zones, jurisdictions, operators, cloud
 * regions, an AWS ip-ranges.json, a policy) and the GeoIP databases its
 * build-mmdb.pl writes into $BERGERIE_FIXTURES/model (default
 * build/fixtures/model; built here when absent). Every expected value in
 * the table below is worked out by hand from those files.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "geo/classify.h"
#include "geo/geo_cache.h"

static char fixdir[PATH_MAX];
static char country_db[PATH_MAX + 32], asn_db[PATH_MAX + 32];

static const char data_dir[] = "tests/fixtures/model/data";
static const char model_policy[] = "tests/fixtures/model/policy-classify.json";
static const char cloud_dir[] = "tests/fixtures/model/cloud";

static int setup(void **state)
{
	const char *base = getenv("BERGERIE_FIXTURES");
	char cmd[PATH_MAX * 2 + 128];

	(void)state;
	snprintf(fixdir, sizeof(fixdir), "%s/model",
		 base && *base ? base : "build/fixtures");
	snprintf(country_db, sizeof(country_db), "%s/model-country.mmdb",
		 fixdir);
	snprintf(asn_db, sizeof(asn_db), "%s/model-asn.mmdb", fixdir);
	if (access(country_db, R_OK) != 0 || access(asn_db, R_OK) != 0) {
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s' && perl tests/fixtures/model/build-mmdb.pl '%s'",
			 fixdir, fixdir);
		if (system(cmd) != 0) {
			fprintf(stderr, "cannot build the fixture databases: %s\n",
				cmd);
			return -1;
		}
	}
	return 0;
}

static struct geo_engine *load(const char *policy, bool geoip, bool cloud,
			       uint64_t memcap)
{
	struct geo_config cfg = {
		.data_dir = data_dir,
		.country_db = geoip ? country_db : NULL,
		.asn_db = geoip ? asn_db : NULL,
		.policy_path = policy,
		.cloud_ranges_dir = cloud ? cloud_dir : NULL,
		.cache_memcap = memcap,
	};
	char err[1024];
	struct geo_engine *e = geo_engine_load(&cfg, err, sizeof(err));

	if (e == NULL)
		fail_msg("%s", err);
	return e;
}

static struct geo_addr A(const char *s)
{
	struct geo_addr a;

	if (!geo_addr_parse(s, &a))
		fail_msg("bad address %s", s);
	return a;
}

struct row {
	const char *addr;
	enum verdict verdict;
	const char *country;		/* location */
	enum geo_located by;
	uint32_t asn;
	const char *op;			/* operator name, NULL: none */
	const char *controller;		/* "" none */
	const char *reason;
};

#define EFC VERDICT_EU_FOREIGN_CONTROL
#define US_LAWS "-> US (CLOUD Act, FISA 702)"

/* The model policy: sensor_country FR, sites, custom home networks. */
static const struct row model_rows[] = {
	/* Sites beat home and special ranges. */
	{ "10.50.1.2", VERDICT_THIRD_COUNTRY, "BR", GEO_LOCATED_SITE, 0, NULL, "",
	  "10.50.1.2: site sao-paulo (BR, declared in policy): third country" },
	{ "10.60.0.9", EFC, "FR", GEO_LOCATED_SITE, 0, "Amazon Web Services", "US",
	  "10.60.0.9: site paris-aws (FR, declared in policy), Amazon Web Services " US_LAWS ": EU-hosted, foreign-controlled" },
	{ "192.0.2.7", VERDICT_EU, "DE", GEO_LOCATED_SITE, 0, "Hoster GmbH", "CH",
	  "192.0.2.7: site doc-site (DE, declared in policy), Hoster GmbH -> CH (Hoster Holding AG): EU-hosted" },
	/* Home beats special. */
	{ "10.1.2.3", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "10.1.2.3: home network 10.0.0.0/8, private (RFC 1918): local" },
	{ "198.51.100.7", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "198.51.100.7: home network 198.51.100.0/24, documentation (RFC 5737): local" },
	{ "fd00::1", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "fd00::1: home network fc00::/7, unique local (RFC 4193): local" },
	/* Special ranges (172.16/12 is not home in this policy). */
	{ "172.16.0.1", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "172.16.0.1: private (RFC 1918): local" },
	{ "127.0.0.1", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "127.0.0.1: loopback (RFC 1122): local" },
	{ "fe80::1", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "fe80::1: link-local (RFC 4291): local" },
	/* GeoIP, control from the operator table. */
	{ "35.180.0.10", EFC, "FR", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "35.180.0.10: FR, AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
	{ "81.2.69.160", VERDICT_EU, "FR", GEO_LOCATED_GEOIP, 3215, "Orange", "FR",
	  "81.2.69.160: FR, AS3215 Orange S.A. -> FR: EU-hosted" },
	/* Swiss-owned operator in the EU: eu, the reason names the owner. */
	{ "5.148.1.1", VERDICT_EU, "DE", GEO_LOCATED_GEOIP, 3303, "Swisscom", "CH",
	  "5.148.1.1: DE, AS3303 Swisscom (Schweiz) AG -> CH (Swisscom AG): EU-hosted" },
	/* Adequate, US-controlled: the verdict stays adequate and says so. */
	{ "31.3.1.1", VERDICT_ADEQUATE, "CH", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "31.3.1.1: CH, AS16509 Amazon.com, Inc. " US_LAWS ": adequate country, foreign-controlled" },
	{ "77.88.8.8", VERDICT_THIRD_COUNTRY, "RU", GEO_LOCATED_GEOIP, 13238, "Yandex", "RU",
	  "77.88.8.8: RU, AS13238 YANDEX LLC -> RU (Yarovaya law): third country" },
	{ "8.8.8.8", VERDICT_THIRD_COUNTRY, "US", GEO_LOCATED_GEOIP, 15169, "Google", "US",
	  "8.8.8.8: US, AS15169 Google LLC " US_LAWS ": third country" },
	{ "52.94.1.1", VERDICT_THIRD_COUNTRY, "US", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "52.94.1.1: US, AS16509 Amazon.com, Inc. " US_LAWS ": third country" },
	/* Not in the operator table: eu, no control. */
	{ "91.198.174.192", VERDICT_EU, "NL", GEO_LOCATED_GEOIP, 14907, NULL, "",
	  "91.198.174.192: NL, AS14907 Wikimedia Foundation Inc.: EU-hosted" },
	/* EEA. */
	{ "185.60.1.1", EFC, "IS", GEO_LOCATED_GEOIP, 32934, "Meta", "US",
	  "185.60.1.1: IS, AS32934 Facebook, Inc. " US_LAWS ": EEA-hosted, foreign-controlled" },
	{ "2a01:e00::1", VERDICT_EU, "FR", GEO_LOCATED_GEOIP, 12322, "Free", "FR",
	  "2a01:e00::1: FR, AS12322 Free SAS -> FR: EU-hosted" },
	/* Unknown. */
	{ "45.60.1.1", VERDICT_UNKNOWN, "", GEO_LOCATED_NONE, 64500, NULL, "",
	  "45.60.1.1: no geolocation data, AS64500 Example Unlocated Networks: unknown" },
	{ "41.0.0.1", VERDICT_UNKNOWN, "", GEO_LOCATED_NONE, 0, NULL, "",
	  "41.0.0.1: no geolocation data: unknown" },
	/* Cloud range beats GeoIP (GeoIP says US). */
	{ "52.94.4.20", EFC, "FR", GEO_LOCATED_CLOUD_RANGE, 16509, "Amazon Web Services", "US",
	  "52.94.4.20: FR (aws eu-west-3), AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
	{ "2600:1f00:4000::5", EFC, "DE", GEO_LOCATED_CLOUD_RANGE, 16509, "Amazon Web Services", "US",
	  "2600:1f00:4000::5: DE (aws eu-central-1), AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
	/* A region the table does not map: GeoIP's country stands. */
	{ "52.94.8.1", VERDICT_THIRD_COUNTRY, "US", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "52.94.8.1: US (aws xx-nowhere-9, region not mapped), AS16509 Amazon.com, Inc. " US_LAWS ": third country" },
	/* Anycast, seen from a sensor in FR (GeoIP says AU). */
	{ "1.1.1.1", EFC, "FR", GEO_LOCATED_ANYCAST_SENSOR, 13335, "Cloudflare", "US",
	  "1.1.1.1: anycast Cloudflare prefix, located at sensor (FR), AS13335 Cloudflare, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
	{ "2606:4700:4700::1111", EFC, "FR", GEO_LOCATED_ANYCAST_SENSOR, 0, "Cloudflare", "US",
	  "2606:4700:4700::1111: anycast Cloudflare prefix, located at sensor (FR), Cloudflare " US_LAWS ": EU-hosted, foreign-controlled" },
	/* IPv4-mapped and NAT64: classified as their IPv4, whole chain. */
	{ "::ffff:35.180.0.10", EFC, "FR", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "::ffff:35.180.0.10 (IPv4-mapped 35.180.0.10): FR, AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
	{ "64:ff9b::5102:45a0", VERDICT_EU, "FR", GEO_LOCATED_GEOIP, 3215, "Orange", "FR",
	  "64:ff9b::5102:45a0 (NAT64 81.2.69.160): FR, AS3215 Orange S.A. -> FR: EU-hosted" },
	{ "2001:db8:64::4d58:808", VERDICT_THIRD_COUNTRY, "RU", GEO_LOCATED_GEOIP, 13238, "Yandex", "RU",
	  "2001:db8:64::4d58:808 (NAT64 77.88.8.8): RU, AS13238 YANDEX LLC -> RU (Yarovaya law): third country" },
	{ "::ffff:10.50.1.2", VERDICT_THIRD_COUNTRY, "BR", GEO_LOCATED_SITE, 0, NULL, "",
	  "::ffff:10.50.1.2 (IPv4-mapped 10.50.1.2): site sao-paulo (BR, declared in policy): third country" },
	{ "::ffff:192.168.1.5", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "::ffff:192.168.1.5 (IPv4-mapped 192.168.1.5): home network 192.168.0.0/16, private (RFC 1918): local" },
	{ "::ffff:127.0.0.1", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "::ffff:127.0.0.1 (IPv4-mapped 127.0.0.1): loopback (RFC 1122): local" },
	/* Outside the NAT64 prefixes, 2001:db8::/32 is documentation. */
	{ "2001:db8:65::4d58:808", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "2001:db8:65::4d58:808: documentation (RFC 3849): local" },
};

/* The built-in default policy: no sensor_country, default home networks. */
static const struct row default_rows[] = {
	{ "10.50.1.2", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "10.50.1.2: private (RFC 1918): local" },
	{ "192.168.1.5", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "192.168.1.5: private (RFC 1918): local" },
	{ "100.64.1.1", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "100.64.1.1: shared address space / CGNAT (RFC 6598): local" },
	{ "192.0.2.7", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "192.0.2.7: documentation (RFC 5737): local" },
	/* Anycast without sensor_country: GeoIP's country stands. */
	{ "1.1.1.1", VERDICT_THIRD_COUNTRY, "AU", GEO_LOCATED_GEOIP, 13335, "Cloudflare", "US",
	  "1.1.1.1: anycast Cloudflare prefix, GeoIP says AU, AS13335 Cloudflare, Inc. " US_LAWS ": third country" },
	{ "2606:4700:4700::1111", VERDICT_UNKNOWN, "", GEO_LOCATED_NONE, 0, "Cloudflare", "US",
	  "2606:4700:4700::1111: anycast Cloudflare prefix, GeoIP says nothing, Cloudflare " US_LAWS ": unknown" },
	{ "35.180.0.10", EFC, "FR", GEO_LOCATED_GEOIP, 16509, "Amazon Web Services", "US",
	  "35.180.0.10: FR, AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled" },
};

/* No GeoIP data at all: everything public is unknown. */
static const struct row nogeo_rows[] = {
	{ "35.180.0.10", VERDICT_UNKNOWN, "", GEO_LOCATED_NONE, 0, NULL, "",
	  "35.180.0.10: no geolocation data: unknown" },
	{ "10.1.1.1", VERDICT_LOCAL, "", GEO_LOCATED_HOME, 0, NULL, "",
	  "10.1.1.1: private (RFC 1918): local" },
	{ "127.0.0.1", VERDICT_LOCAL, "", GEO_LOCATED_SPECIAL, 0, NULL, "",
	  "127.0.0.1: loopback (RFC 1122): local" },
};

static void check_rows(struct geo_engine *e, const struct row *rows,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		struct geo_addr a = A(w->addr);
		struct geo_result r;

		/* Twice: the second answer comes from the cache. */
		for (int pass = 0; pass < 2; pass++) {
			geo_engine_classify(e, &a, &r);
			if (strcmp(r.reason, w->reason) != 0)
				fail_msg("%s: reason\n got: %s\nwant: %s",
					 w->addr, r.reason, w->reason);
			if (r.verdict != w->verdict)
				fail_msg("%s: verdict %s, want %s", w->addr,
					 verdict_name(r.verdict),
					 verdict_name(w->verdict));
			if (strcmp(r.country, w->country) != 0)
				fail_msg("%s: country %s, want %s", w->addr,
					 r.country, w->country);
			if (r.located_by != w->by)
				fail_msg("%s: located by %d, want %d", w->addr,
					 r.located_by, w->by);
			if (r.asn != w->asn)
				fail_msg("%s: asn %u, want %u", w->addr, r.asn,
					 w->asn);
			if ((w->op == NULL) != (r.operator_name == NULL) ||
			    (w->op && strcmp(w->op, r.operator_name) != 0))
				fail_msg("%s: operator %s, want %s", w->addr,
					 r.operator_name ? r.operator_name : "-",
					 w->op ? w->op : "-");
			if (strcmp(r.controller, w->controller) != 0)
				fail_msg("%s: controller %s, want %s", w->addr,
					 r.controller, w->controller);
		}
	}
}

static void test_model_table(void **state)
{
	struct geo_engine *e = load(model_policy, true, true, 1 << 20);

	(void)state;
	check_rows(e, model_rows, sizeof(model_rows) / sizeof(*model_rows));
	geo_engine_unref(e);
}

static void test_default_table(void **state)
{
	struct geo_engine *e = load(NULL, true, true, 1 << 20);

	(void)state;
	check_rows(e, default_rows,
		   sizeof(default_rows) / sizeof(*default_rows));
	geo_engine_unref(e);
}

static void test_no_geoip(void **state)
{
	struct geo_engine *e = load(NULL, false, false, 0);
	struct geo_engine_info gi;

	(void)state;
	check_rows(e, nogeo_rows, sizeof(nogeo_rows) / sizeof(*nogeo_rows));
	geo_engine_info(e, &gi);
	assert_int_equal(gi.country_build_epoch, 0);
	assert_null(gi.country_db);
	assert_int_equal(gi.cache.capacity, 0);	/* memcap 0: no cache */
	assert_int_equal(gi.cache.hits, 0);
	geo_engine_unref(e);
}

/* Fields beyond the table. */
static void test_result_fields(void **state)
{
	struct geo_engine *e = load(model_policy, true, true, 1 << 20);
	struct geo_addr a;
	struct geo_result r;

	(void)state;
	a = A("52.94.4.20");
	geo_engine_classify(e, &a, &r);
	assert_string_equal(r.geoip_country, "US");
	assert_string_equal(r.registered_country, "US");
	assert_string_equal(r.cloud_provider, "aws");
	assert_string_equal(r.cloud_region, "eu-west-3");
	assert_int_equal(r.cloud_prefix.len, 24);
	assert_int_equal(r.zone, ZONE_EU);
	assert_true(r.extraterritorial);
	assert_non_null(r.jurisdiction);
	assert_int_equal(r.jurisdiction->nlaws, 2);
	assert_string_equal(r.jurisdiction->laws[1], "FISA 702");
	assert_string_equal(r.op->id, "aws");
	assert_string_equal(r.operator_parent, "Amazon.com, Inc.");

	a = A("31.3.1.1");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.zone, ZONE_ADEQUACY);
	assert_non_null(r.adequacy);
	assert_string_equal(r.adequacy->decision, "2000/518/EC");
	assert_true(r.extraterritorial);
	assert_string_equal(r.registered_country, "US");

	a = A("5.148.1.1");
	geo_engine_classify(e, &a, &r);
	assert_false(r.extraterritorial);
	assert_string_equal(r.registered_country, "CH");
	assert_string_equal(r.operator_parent, "Swisscom AG");

	a = A("1.1.1.1");
	geo_engine_classify(e, &a, &r);
	assert_true(r.anycast);
	assert_string_equal(r.geoip_country, "AU");
	assert_int_equal(r.prefix.len, 24);

	a = A("64:ff9b::5102:45a0");
	geo_engine_classify(e, &a, &r);
	assert_true(r.unwrapped);
	{
		char buf[GEO_ADDR_STRLEN];

		assert_string_equal(geo_addr_format(&r.v4, buf, sizeof(buf)),
				    "81.2.69.160");
	}

	a = A("10.50.1.2");
	geo_engine_classify(e, &a, &r);
	assert_string_equal(r.site, "sao-paulo");
	assert_false(r.home);
	assert_null(r.special);	/* decided as a site before any range */

	a = A("10.1.2.3");
	geo_engine_classify(e, &a, &r);
	assert_true(r.home);
	assert_string_equal(r.special, "private (RFC 1918)");
	assert_int_equal(r.zone, ZONE_NONE);
	geo_engine_unref(e);
}

static void test_is_home(void **state)
{
	struct geo_engine *e = load(model_policy, true, true, 1 << 20);
	static const struct {
		const char *addr;
		bool home;
	} cases[] = {
		{ "10.1.2.3", true },		/* 10/8 */
		{ "10.50.1.2", false },		/* the sao-paulo site */
		{ "::ffff:10.1.2.3", true },
		{ "::ffff:10.50.1.2", false },
		{ "198.51.100.9", true },
		{ "192.0.2.7", false },		/* a site */
		{ "172.16.0.1", false },	/* not home in this policy */
		{ "fd00::1", true },
		{ "8.8.8.8", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct geo_addr a = A(cases[i].addr);

		if (geo_engine_is_home(e, &a) != cases[i].home)
			fail_msg("%s: home should be %d", cases[i].addr,
				 cases[i].home);
	}
	geo_engine_unref(e);
}

static void test_match(void **state)
{
	struct geo_engine *e = load(NULL, true, true, 1 << 20);
	struct geo_addr in = A("10.0.0.5"), out = A("35.180.0.10"),
			fr = A("81.2.69.160"), us = A("8.8.8.8"),
			unk = A("41.0.0.1");
	struct geo_result r;
	struct policy_query q = {
		.internal = &in, .remote = &out, .result = &r,
		.transport = 6, .remote_port = 443,
	};
	const struct policy_rule *rule;

	(void)state;
	geo_engine_classify(e, &out, &r);
	rule = geo_engine_match(e, &q);
	assert_non_null(rule);
	assert_string_equal(rule->id, "default.eu_foreign_control");
	assert_int_equal(severity_ecs(rule->severity), 47);
	q.remote = &fr;
	geo_engine_classify(e, &fr, &r);
	assert_null(geo_engine_match(e, &q));
	q.remote = &us;
	geo_engine_classify(e, &us, &r);
	rule = geo_engine_match(e, &q);
	assert_string_equal(rule->id, "default.third_country");
	assert_int_equal(severity_ecs(rule->severity), 73);
	q.remote = &unk;
	geo_engine_classify(e, &unk, &r);
	assert_string_equal(geo_engine_match(e, &q)->id, "default.unknown");
	assert_string_equal(geo_engine_policy_hash(e),
			    policy_hash(geo_engine_policy(e)));
	geo_engine_unref(e);
}

static void test_match_nat64_cidr(void **state)
{
	/* A remote CIDR rule sees the embedded IPv4 of a NAT64 address. */
	struct geo_engine *e;
	struct geo_addr in = A("10.0.0.5"), out = A("64:ff9b::5102:45a0");
	struct geo_result r;
	struct policy_query q = {
		.internal = &in, .remote = &out, .result = &r,
		.remote_port = -1,
	};
	FILE *f = fopen("/tmp/bergerie-classify-policy.json", "w");

	(void)state;
	assert_non_null(f);
	fputs("{\"rules\": [{\"id\": \"orange\", \"name\": \"O\", \"action\": "
	      "\"flag\", \"severity\": \"critical\", \"cidr\": \"81.2.69.0/24\"}]}",
	      f);
	fclose(f);
	e = load("/tmp/bergerie-classify-policy.json", true, false, 4096);
	geo_engine_classify(e, &out, &r);
	assert_string_equal(geo_engine_match(e, &q)->id, "orange");
	unlink("/tmp/bergerie-classify-policy.json");
	geo_engine_unref(e);
}

/* The cache: bounded by its memcap, evictions counted. */
static void test_cache_bounded(void **state)
{
	struct geo_cache *c = geo_cache_new(16, 56 * 10);
	struct geo_cache_stats st;
	unsigned char v[16], out[16];
	struct geo_addr a;

	(void)state;
	assert_non_null(c);
	geo_cache_stats(c, &st);
	assert_true(st.capacity >= 1);
	assert_true(st.bytes <= st.memcap);
	for (uint32_t i = 0; i < st.capacity + 5; i++) {
		uint8_t b[4] = { 11, 0, (uint8_t)(i >> 8), (uint8_t)i };

		geo_addr_from_v4(&a, b);
		memset(v, (int)i, sizeof(v));
		geo_cache_put(c, &a, v);
	}
	geo_cache_stats(c, &st);
	assert_int_equal(st.entries, st.capacity);
	assert_int_equal(st.memcap_evictions, 5);
	assert_int_equal(st.inserts, st.capacity + 5);
	/* The last one is there, with its value. */
	{
		uint32_t i = (uint32_t)st.capacity + 4;
		uint8_t b[4] = { 11, 0, (uint8_t)(i >> 8), (uint8_t)i };

		geo_addr_from_v4(&a, b);
		assert_true(geo_cache_get(c, &a, out));
		assert_int_equal(out[0], (uint8_t)i);
	}
	/* The first five were evicted (CLOCK: nothing was referenced). */
	for (uint32_t i = 0; i < 5; i++) {
		uint8_t b[4] = { 11, 0, 0, (uint8_t)i };

		geo_addr_from_v4(&a, b);
		assert_false(geo_cache_get(c, &a, out));
	}
	geo_cache_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 5);
	geo_cache_free(c);
}

static void test_cache_clock_keeps_hot(void **state)
{
	struct geo_cache *c = geo_cache_new(16, 56 * 10);
	struct geo_cache_stats st;
	unsigned char v[16] = { 0 }, out[16];
	struct geo_addr hot, a;
	uint8_t hb[4] = { 12, 0, 0, 1 };

	(void)state;
	geo_addr_from_v4(&hot, hb);
	geo_cache_put(c, &hot, v);
	geo_cache_stats(c, &st);
	/* Touch the hot entry between each insert: CLOCK spares it. */
	for (uint32_t i = 0; i < 3 * st.capacity; i++) {
		uint8_t b[4] = { 11, 1, (uint8_t)(i >> 8), (uint8_t)i };

		assert_true(geo_cache_get(c, &hot, out));
		geo_addr_from_v4(&a, b);
		geo_cache_put(c, &a, v);
	}
	assert_true(geo_cache_get(c, &hot, out));
	geo_cache_stats(c, &st);
	assert_true(st.memcap_evictions > 0);
	geo_cache_free(c);
}

static void test_engine_cache_counts(void **state)
{
	/* Room for two results (the cache keeps them without the reason):
	 * a third address evicts. */
	struct geo_engine *e = load(model_policy, true, true,
				    2 * (offsetof(struct geo_result, reason) + 64));
	struct geo_engine_info gi;
	struct geo_addr a = A("35.180.0.10"), b = A("8.8.8.8"),
			c = A("81.2.69.160");
	struct geo_result r;

	(void)state;
	geo_engine_info(e, &gi);
	assert_true(gi.cache.capacity >= 1 && gi.cache.capacity <= 2);
	assert_true(gi.cache.bytes <= gi.cache.memcap);
	geo_engine_classify(e, &a, &r);
	geo_engine_classify(e, &a, &r);
	geo_engine_classify(e, &b, &r);
	geo_engine_classify(e, &c, &r);
	geo_engine_info(e, &gi);
	assert_int_equal(gi.cache.hits, 1);
	assert_int_equal(gi.cache.misses, 3);
	assert_true(gi.cache.memcap_evictions >= 1);
	/* An evicted result is recomputed identically. */
	geo_engine_classify(e, &a, &r);
	assert_string_equal(r.reason,
			    "35.180.0.10: FR, AS16509 Amazon.com, Inc. " US_LAWS ": EU-hosted, foreign-controlled");
	geo_engine_unref(e);
}

/* A reload: results from the old engine stay valid while it is held. */
static void test_reload_refcount(void **state)
{
	struct geo_engine *old = load(model_policy, true, true, 1 << 20);
	struct geo_engine *held, *fresh;
	struct geo_addr a = A("35.180.0.10");
	struct geo_result r;
	char oldhash[16];

	(void)state;
	geo_engine_classify(old, &a, &r);
	held = geo_engine_ref(old);	/* a flow keeps the engine */
	strcpy(oldhash, geo_engine_policy_hash(old));
	fresh = load(NULL, true, true, 1 << 20);	/* SIGHUP */
	geo_engine_unref(old);		/* the pipeline moves on */
	/* Every pointer in r still reads (ASan would catch a free). */
	assert_string_equal(r.operator_name, "Amazon Web Services");
	assert_string_equal(r.operator_parent, "Amazon.com, Inc.");
	assert_string_equal(r.jurisdiction->laws_text, "CLOUD Act, FISA 702");
	assert_string_equal(r.op->source, "https://example.org/aws");
	assert_string_equal(geo_engine_policy_hash(held), oldhash);
	assert_string_not_equal(geo_engine_policy_hash(fresh), oldhash);
	geo_engine_unref(held);		/* the flow ends: freed here */
	geo_engine_classify(fresh, &a, &r);
	assert_int_equal(r.verdict, EFC);
	geo_engine_unref(fresh);
	geo_engine_unref(NULL);
}

static void test_info_and_staleness(void **state)
{
	struct geo_engine *e = load(model_policy, true, true, 1 << 20);
	struct geo_engine_info gi;
	char warn[512];
	time_t built;

	(void)state;
	geo_engine_info(e, &gi);
	assert_int_equal(gi.operators, 9);
	assert_int_equal(gi.cloud_ranges, 3);
	assert_int_equal(gi.cloud_ranges_unmapped, 1);
	assert_string_equal(gi.zones_version, "model-1");
	assert_string_equal(gi.policy_path, model_policy);
	assert_true(gi.country_build_epoch > 0);
	assert_true(gi.asn_build_epoch > 0);
	built = (time_t)gi.country_build_epoch;
	assert_false(geo_engine_stale_warning(e, built + 86400, warn,
					      sizeof(warn)));
	assert_string_equal(warn, "");
	assert_false(geo_engine_stale_warning(e, built + 90 * 86400, warn,
					      sizeof(warn)));
	assert_true(geo_engine_stale_warning(e, built + 91 * 86400 + 3600,
					     warn, sizeof(warn)));
	if (strstr(warn, "model-country.mmdb was built 91 days ago (more than 90)") == NULL)
		fail_msg("%s", warn);
	/* A time before the build (a replay of old traffic) is not stale. */
	assert_false(geo_engine_stale_warning(e, built - 400 * 86400, warn,
					      sizeof(warn)));
	geo_engine_unref(e);
}

static void test_load_errors(void **state)
{
	struct geo_config cfg = { .data_dir = "/nonexistent" };
	char err[1024];

	(void)state;
	assert_null(geo_engine_load(&cfg, err, sizeof(err)));
	assert_string_equal(err,
			    "/nonexistent/zones.json: No such file or directory");
	cfg.data_dir = NULL;
	assert_null(geo_engine_load(&cfg, err, sizeof(err)));
	assert_string_equal(err, "no jurisdiction data directory given");
	cfg.data_dir = data_dir;
	cfg.policy_path = "/nonexistent/policy.json";
	assert_null(geo_engine_load(&cfg, err, sizeof(err)));
	assert_string_equal(err,
			    "/nonexistent/policy.json: No such file or directory");
	cfg.policy_path = NULL;
	cfg.country_db = "/nonexistent/c.mmdb";
	assert_null(geo_engine_load(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/c.mmdb"));
	/* An ASN database given as country is refused. */
	cfg.country_db = asn_db;
	assert_null(geo_engine_load(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "not countries"));
}

/* The real geo/data with the example policies (no GeoIP needed). */
static void test_real_data_engine(void **state)
{
	struct geo_config cfg = {
		.data_dir = "geo/data",
		.policy_path = "geo/examples/multinational.json",
		.cloud_ranges_dir = cloud_dir,	/* with the real regions table */
		.cache_memcap = 1 << 20,
	};
	char err[1024];
	struct geo_engine *e;
	struct geo_addr a;
	struct geo_result r;

	(void)state;
	if (access("geo/data/operators.json", R_OK) != 0) {
		print_message("SKIP: geo/data absent\n");
		skip();
	}
	e = geo_engine_load(&cfg, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	/* São Paulo: a site, never home, located in BR. */
	a = A("10.50.1.2");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.located_by, GEO_LOCATED_SITE);
	assert_string_equal(r.country, "BR");
	assert_true(r.verdict == VERDICT_THIRD_COUNTRY ||
		    r.verdict == VERDICT_ADEQUATE);
	assert_false(geo_engine_is_home(e, &a));
	/* 1.1.1.1 seen from Paris: eu_foreign_control, the reason says
	 * anycast. */
	a = A("1.1.1.1");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.verdict, EFC);
	assert_int_equal(r.located_by, GEO_LOCATED_ANYCAST_SENSOR);
	assert_string_equal(r.controller, "US");
	assert_non_null(strstr(r.reason, "anycast"));
	/* A cloud range with no GeoIP at all: the region places it, and
	 * the provider's own operator entry gives control. */
	a = A("52.94.4.20");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.located_by, GEO_LOCATED_CLOUD_RANGE);
	assert_string_equal(r.country, "FR");
	assert_string_equal(r.op->id, "aws");
	assert_int_equal(r.verdict, EFC);
	assert_non_null(strstr(r.reason, "(aws eu-west-3)"));
	/* Quad9 (a Swiss foundation) from Paris: eu, owner named. */
	a = A("9.9.9.9");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.verdict, VERDICT_EU);
	assert_string_equal(r.controller, "CH");
	assert_non_null(strstr(r.reason, r.operator_parent));
	geo_engine_unref(e);

	/* The trusted-cloud example: the tenant is eu and allowed. */
	cfg.policy_path = "geo/examples/trusted-cloud.json";
	e = geo_engine_load(&cfg, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	a = A("192.0.2.5");
	geo_engine_classify(e, &a, &r);
	assert_int_equal(r.verdict, VERDICT_EU);
	{
		struct geo_addr in = A("10.0.0.1");
		struct policy_query q = { .internal = &in, .remote = &a,
					  .result = &r, .remote_port = -1 };
		const struct policy_rule *rule = geo_engine_match(e, &q);

		assert_non_null(rule);
		assert_int_equal(rule->action, POLICY_ALLOW);
	}
	geo_engine_unref(e);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

/* A hostile operator name cannot put a control byte in a reason. */
static void test_hostile_names(void **state)
{
	char dir[] = "/tmp/bergerie-hostile-XXXXXX", p[128], err[1024];
	struct geo_config cfg = { .cache_memcap = 1 << 16 };
	struct geo_engine *e;
	struct geo_addr a = A("10.60.0.9");
	struct geo_result r;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/zones.json", dir);
	copy_file("tests/fixtures/model/data/zones.json", p);
	snprintf(p, sizeof(p), "%s/jurisdictions.json", dir);
	copy_file("tests/fixtures/model/data/jurisdictions.json", p);
	snprintf(p, sizeof(p), "%s/operators.json", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"operators\": [{\"id\": \"evil\", \"name\": \"Evil\\n\\u001b[2JCorp\\u00e9\", "
	      "\"parent\": \"P\\t\", \"controller\": \"US\", \"category\": \"other\", "
	      "\"asns\": [64512], \"as_org_match\": [\"evil\"], \"source\": \"s\"}]}", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/policy.json", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"sites\": [{\"name\": \"x\\u0007y\", \"prefixes\": \"10.60.0.0/16\", "
	      "\"country\": \"FR\", \"operator\": \"evil\"}]}", f);
	fclose(f);
	cfg.data_dir = dir;
	cfg.policy_path = p;
	e = geo_engine_load(&cfg, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	geo_engine_classify(e, &a, &r);
	for (const char *c = r.reason; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			fail_msg("control byte in reason: %s", r.reason);
	/* UTF-8 kept whole: "é" is two bytes, still there. */
	assert_non_null(strstr(r.reason, "Corp\xc3\xa9"));
	assert_string_equal(r.reason,
			    "10.60.0.9: site x?y (FR, declared in policy), Evil??[2JCorp\xc3\xa9 " US_LAWS ": EU-hosted, foreign-controlled");
	geo_engine_unref(e);
	unlink(p);
	snprintf(p, sizeof(p), "%s/operators.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/zones.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/jurisdictions.json", dir);
	unlink(p);
	rmdir(dir);
}

/* Several workers on one engine, a cache small enough to evict all the
 * time: every answer still matches the table. */
struct worker {
	struct geo_engine *e;
	int bad;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	size_t n = sizeof(model_rows) / sizeof(*model_rows);

	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < n; i++) {
			const struct row *row = &model_rows[(i + (size_t)round) % n];
			struct geo_addr a;
			struct geo_result r;

			if (!geo_addr_parse(row->addr, &a))
				w->bad++;
			geo_engine_classify(w->e, &a, &r);
			if (strcmp(r.reason, row->reason) != 0)
				w->bad++;
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct geo_engine *e = load(model_policy, true, true,
				    5 * (sizeof(struct geo_result) + 64));
	struct worker w[4];
	pthread_t t[4];
	struct geo_engine_info gi;

	(void)state;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .e = e };
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].bad, 0);
	}
	geo_engine_info(e, &gi);
	assert_true(gi.cache.memcap_evictions > 0);
	assert_int_equal(gi.cache.hits + gi.cache.misses,
			 4 * 50 * (sizeof(model_rows) / sizeof(*model_rows)));
	geo_engine_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_table),
		cmocka_unit_test(test_default_table),
		cmocka_unit_test(test_no_geoip),
		cmocka_unit_test(test_result_fields),
		cmocka_unit_test(test_is_home),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_nat64_cidr),
		cmocka_unit_test(test_cache_bounded),
		cmocka_unit_test(test_cache_clock_keeps_hot),
		cmocka_unit_test(test_engine_cache_counts),
		cmocka_unit_test(test_reload_refcount),
		cmocka_unit_test(test_info_and_staleness),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_real_data_engine),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
