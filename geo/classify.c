/*
 * classify.c: the jurisdiction engine (see classify.h for the order of
 * evaluation and the validity of results).
 *
 * Jobs: load and own every table; turn an address into a geo_result with
 * a one-line reason a person can check; match the policy.
 * Never: print, or keep a pointer a caller could see change.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

#include <stddef.h>
#include "cloud_ranges.h"
#include "geoip.h"
#include "json_file.h"
#include "special.h"

struct geo_engine {
	atomic_int refs;
	struct zones *zones;
	struct operators *ops;
	struct policy *policy;
	struct geoip *geoip;		/* NULL: no GeoIP data */
	struct cloud_ranges *cloud;	/* NULL: none */
	struct geo_cache *cache;
	char *policy_path;
	const struct geo_prefix *nat64;
	size_t nnat64;
};

static const char *const located_names[] = {
	[GEO_LOCATED_NONE] = NULL,
	[GEO_LOCATED_SITE] = "site",
	[GEO_LOCATED_HOME] = "home",
	[GEO_LOCATED_SPECIAL] = "special",
	[GEO_LOCATED_CLOUD_RANGE] = "cloud-range",
	[GEO_LOCATED_GEOIP] = "geoip",
	[GEO_LOCATED_ANYCAST_SENSOR] = "anycast-sensor",
};

const char *geo_located_name(enum geo_located l)
{
	if ((unsigned)l > GEO_LOCATED_ANYCAST_SENSOR)
		return NULL;
	return located_names[l];
}

/* Load and life cycle. */

static char *path_join(const char *dir, const char *file)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return NULL;
	return p;
}

static void engine_free(struct geo_engine *e)
{
	geo_cache_free(e->cache);
	cloud_ranges_free(e->cloud);
	if (e->geoip != NULL)
		geoip_close(e->geoip);
	policy_free(e->policy);
	operators_free(e->ops);
	zones_free(e->zones);
	free(e->policy_path);
	free(e);
}

struct geo_engine *geo_engine_load(const struct geo_config *cfg, char *err,
				   size_t errlen)
{
	struct geo_engine *e;
	char *zp, *jp, *op, *rp;
	bool ok = false;

	if (cfg->data_dir == NULL) {
		snprintf(err, errlen, "no jurisdiction data directory given");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	zp = path_join(cfg->data_dir, "zones.json");
	jp = path_join(cfg->data_dir, "jurisdictions.json");
	op = path_join(cfg->data_dir, "operators.json");
	rp = path_join(cfg->data_dir, "cloud-regions.json");
	if (e == NULL || zp == NULL || jp == NULL || op == NULL || rp == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	atomic_init(&e->refs, 1);
	e->zones = zones_load(zp, jp, err, errlen);
	if (e->zones == NULL)
		goto out;
	e->ops = operators_load(op, e->zones, err, errlen);
	if (e->ops == NULL)
		goto out;
	e->policy = policy_load(cfg->policy_path, e->ops, err, errlen);
	if (e->policy == NULL)
		goto out;
	if (cfg->policy_path != NULL) {
		e->policy_path = strdup(cfg->policy_path);
		if (e->policy_path == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	e->nat64 = policy_nat64_prefixes(e->policy, &e->nnat64);
	if (cfg->country_db != NULL || cfg->asn_db != NULL) {
		e->geoip = geoip_open(cfg->country_db, cfg->asn_db, err,
				      errlen);
		if (e->geoip == NULL)
			goto out;
	}
	if (cfg->cloud_ranges_dir != NULL) {
		e->cloud = cloud_ranges_load(cfg->cloud_ranges_dir, rp, err,
					     errlen);
		if (e->cloud == NULL)
			goto out;
	}
	/* The cache keeps everything but the reason, the struct's last and
	 * largest field: the reason is text for people, built only when a
	 * record or an explanation needs it (geo_engine_reason). */
	e->cache = geo_cache_new(offsetof(struct geo_result, reason),
				 cfg->cache_memcap);
	if (e->cache == NULL) {
		snprintf(err, errlen, "out of memory for the geo cache");
		goto out;
	}
	ok = true;
out:
	free(zp);
	free(jp);
	free(op);
	free(rp);
	if (!ok && e != NULL) {
		engine_free(e);
		e = NULL;
	}
	return e;
}

struct geo_engine *geo_engine_ref(struct geo_engine *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
	return e;
}

void geo_engine_unref(struct geo_engine *e)
{
	if (e == NULL)
		return;
	if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1)
		engine_free(e);
}

/* The reason line. */

struct line {
	char *buf;
	size_t len, cap;
};

/* Appends s, cut as vsnprintf cuts (the buffer stays NUL-terminated). */
static void line_put(struct line *l, const char *s)
{
	while (*s && l->len + 1 < l->cap)
		l->buf[l->len++] = *s++;
}

/* Formats made only of text, %s, %u and %%: a reason is built per flow
 * record, and vsnprintf was most of its cost. */
static bool simple_format(const char *fmt)
{
	for (const char *p = fmt; (p = strchr(p, '%')) != NULL; p += 2)
		if (p[1] != 's' && p[1] != 'u' && p[1] != '%')
			return false;
	return true;
}

static void __attribute__((format(printf, 2, 3)))
line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len + 1 >= l->cap)
		return;
	va_start(ap, fmt);
	if (simple_format(fmt)) {
		/* What vsnprintf would write, by hand. */
		for (const char *p = fmt; *p; p++) {
			char num[12], *d;
			unsigned u;
			const char *str;

			if (*p != '%') {
				if (l->len + 1 < l->cap)
					l->buf[l->len++] = *p;
				continue;
			}
			switch (*++p) {
			case 's':
				str = va_arg(ap, const char *);
				line_put(l, str ? str : "(null)");
				break;
			case 'u':
				u = va_arg(ap, unsigned);
				d = num + sizeof(num);
				*--d = '\0';
				do {
					*--d = (char)('0' + u % 10);
					u /= 10;
				} while (u);
				line_put(l, d);
				break;
			default:	/* %% */
				if (l->len + 1 < l->cap)
					l->buf[l->len++] = '%';
				break;
			}
		}
		l->buf[l->len] = '\0';
		va_end(ap);
		return;
	}
	n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len >= l->cap)
		l->len = l->cap - 1;
}

/*
 * One printable line: control bytes become '?', and a cut (or any
 * malformed sequence) ends the line at a character boundary, so the
 * reason is always valid UTF-8 for jansson.
 */
static void line_finish(char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c < 0x20 || c == 0x7f) {
			s[i++] = '?';
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		k = json_file_utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			s[i] = '\0';
			return;
		}
		i += k;
	}
}

static const char *verdict_text(const struct geo_result *r)
{
	switch (r->verdict) {
	case VERDICT_LOCAL:
		return "local";
	case VERDICT_EU:
		return r->zone == ZONE_EEA ? "EEA-hosted" : "EU-hosted";
	case VERDICT_EU_FOREIGN_CONTROL:
		return r->zone == ZONE_EEA ? "EEA-hosted, foreign-controlled" :
					     "EU-hosted, foreign-controlled";
	case VERDICT_ADEQUATE:
		return r->extraterritorial ?
		       "adequate country, foreign-controlled" :
		       "adequate country";
	case VERDICT_THIRD_COUNTRY:
		return "third country";
	case VERDICT_UNKNOWN:
	default:
		return "unknown";
	}
}

/* " -> US (CLOUD Act, FISA 702)", or " -> CH (Swisscom AG)" naming the
 * owner when control lies outside the location. */
static void add_control(struct line *l, const struct geo_result *r)
{
	if (r->controller[0] == '\0')
		return;
	line_add(l, " -> %s", r->controller);
	if (r->extraterritorial && r->jurisdiction != NULL)
		line_add(l, " (%s)", r->jurisdiction->laws_text);
	else if (r->operator_parent != NULL &&
		 strcmp(r->controller, r->country) != 0)
		line_add(l, " (%s)", r->operator_parent);
}

static void add_org(struct line *l, const struct geo_result *r)
{
	if (r->asn != 0)
		line_add(l, ", AS%u %s", r->asn,
			 r->as_org[0] ? r->as_org :
			 r->operator_name ? r->operator_name : "");
	else if (r->operator_name != NULL)
		line_add(l, ", %s", r->operator_name);
	/* An ASN with no organisation leaves a trailing space; trim it. */
	while (l->len > 0 && l->buf[l->len - 1] == ' ')
		l->buf[--l->len] = '\0';
}

static void add_subject(struct line *l, const struct geo_addr *a,
			const struct geo_result *r)
{
	char t[GEO_ADDR_STRLEN], v4[GEO_ADDR_STRLEN];

	geo_addr_format(a, t, sizeof(t));
	line_add(l, "%s", t);
	if (r->unwrapped) {
		/* ::ffff:0:0/96 is the mapped range; anything else NAT64. */
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
		bool is_mapped = a->family == 6 &&
				 memcmp(a->b, mapped, sizeof(mapped)) == 0;

		geo_addr_format(&r->v4, v4, sizeof(v4));
		line_add(l, " (%s %s)", is_mapped ? "IPv4-mapped" : "NAT64",
			 v4);
	}
	line_add(l, ": ");
}

static void build_reason(const struct geo_engine *e, const struct geo_addr *a,
			 struct geo_result *r)
{
	struct line l = { .buf = r->reason, .cap = sizeof(r->reason) };
	char pfx[64];

	r->reason[0] = '\0';
	add_subject(&l, a, r);
	switch (r->located_by) {
	case GEO_LOCATED_SITE:
		line_add(&l, "site %s (%s, declared in policy)", r->site,
			 r->country);
		if (r->operator_name != NULL)
			line_add(&l, ", %s", r->operator_name);
		add_control(&l, r);
		break;
	case GEO_LOCATED_HOME:
		if (r->special != NULL && policy_home_is_default(e->policy))
			line_add(&l, "%s", r->special);
		else
			line_add(&l, "home network %s%s%s",
				 geo_prefix_format(&r->prefix, pfx,
						   sizeof(pfx)),
				 r->special ? ", " : "",
				 r->special ? r->special : "");
		break;
	case GEO_LOCATED_SPECIAL:
		line_add(&l, "%s", r->special);
		break;
	default:
		if (r->cloud_provider != NULL && r->cloud_prefix.len > 0 &&
		    r->located_by == GEO_LOCATED_CLOUD_RANGE)
			line_add(&l, "%s (%s %s)", r->country,
				 r->cloud_provider, r->cloud_region);
		else if (r->located_by == GEO_LOCATED_ANYCAST_SENSOR)
			line_add(&l, "anycast %s prefix, located at sensor (%s)",
				 r->operator_name, r->country);
		else if (r->anycast)
			line_add(&l, "anycast %s prefix, GeoIP says %s",
				 r->operator_name,
				 r->country[0] ? r->country : "nothing");
		else if (r->country[0] != '\0')
			line_add(&l, "%s", r->country);
		else
			line_add(&l, "no geolocation data");
		if (r->cloud_provider != NULL &&
		    r->located_by != GEO_LOCATED_CLOUD_RANGE)
			line_add(&l, " (%s %s, region not mapped)",
				 r->cloud_provider, r->cloud_region);
		add_org(&l, r);
		add_control(&l, r);
		break;
	}
	line_add(&l, ": %s", verdict_text(r));
	line_finish(r->reason);
}

/* Classification. */

static void set_operator(const struct geo_engine *e, struct geo_result *r,
			 const struct geo_operator *op)
{
	r->op = op;
	r->operator_name = op->name;
	r->operator_parent = op->parent;
	memcpy(r->controller, op->controller, 3);
	r->jurisdiction = op->jurisdiction;
	(void)e;
}

/*
 * Foreign control: the controller's jurisdiction reaches data abroad and
 * is itself outside the EU/EEA (an EU state's own law is not "foreign").
 */
static void set_control(const struct geo_engine *e, struct geo_result *r)
{
	enum zone cz;

	if (r->controller[0] == '\0')
		return;
	if (r->jurisdiction == NULL)
		r->jurisdiction = zones_jurisdiction(e->zones, r->controller);
	cz = zones_zone(e->zones, r->controller);
	r->extraterritorial = r->jurisdiction != NULL &&
			      r->jurisdiction->extraterritorial &&
			      cz != ZONE_EU && cz != ZONE_EEA;
}

static void decide(const struct geo_engine *e, struct geo_result *r)
{
	r->zone = zones_zone(e->zones, r->country);
	set_control(e, r);
	switch (r->zone) {
	case ZONE_EU:
	case ZONE_EEA:
		r->verdict = r->extraterritorial ? VERDICT_EU_FOREIGN_CONTROL :
						   VERDICT_EU;
		break;
	case ZONE_ADEQUACY:
		r->verdict = VERDICT_ADEQUATE;
		r->adequacy = zones_adequacy(e->zones, r->country);
		break;
	case ZONE_THIRD:
		r->verdict = VERDICT_THIRD_COUNTRY;
		break;
	case ZONE_NONE:
	default:
		r->verdict = VERDICT_UNKNOWN;
		r->country[0] = '\0';
		break;
	}
}

static void classify_site(const struct geo_engine *e,
			  const struct policy_site *s, struct geo_result *r)
{
	r->located_by = GEO_LOCATED_SITE;
	r->site = s->name;
	memcpy(r->country, s->country, 3);
	if (s->op != NULL) {
		set_operator(e, r, s->op);
	} else if (s->operator_name != NULL) {
		r->operator_name = s->operator_name;
		r->operator_parent = s->operator_parent;
		memcpy(r->controller, s->controller, 3);
	}
	decide(e, r);
}

/* Cloud provider name -> operator id, when the names differ. */
static const char *cloud_operator_id(const char *provider)
{
	if (strcmp(provider, "azure") == 0)
		return "microsoft";
	return provider;
}

static void classify_public(const struct geo_engine *e,
			    const struct geo_addr *x, struct geo_result *r)
{
	const struct cloud_range *cr = NULL;
	const struct operator_prefix *opp;
	const struct geo_operator *op = NULL;
	struct geoip_answer ans;
	const char *sensor = policy_sensor_country(e->policy);

	memset(&ans, 0, sizeof(ans));
	if (e->geoip != NULL && !geoip_lookup(e->geoip, x, &ans))
		memset(&ans, 0, sizeof(ans));
	memcpy(r->geoip_country, ans.country, 3);
	memcpy(r->registered_country, ans.registered_country, 3);
	r->asn = ans.asn;
	memcpy(r->as_org, ans.as_org, sizeof(r->as_org));
	r->as_org[sizeof(r->as_org) - 1] = '\0';

	if (e->cloud != NULL)
		cr = cloud_ranges_lookup(e->cloud, x);
	if (cr != NULL) {
		r->cloud_provider = cr->provider;
		r->cloud_region = cr->region;
		r->cloud_prefix = cr->prefix;
	}
	opp = operators_by_prefix(e->ops, x);
	if (opp != NULL) {
		op = opp->op;
		r->anycast = opp->anycast;
		r->prefix = opp->prefix;
	} else if (ans.asn != 0) {
		op = operators_by_asn(e->ops, ans.asn);
	}
	if (op == NULL && cr != NULL)
		op = operators_by_id(e->ops, cloud_operator_id(cr->provider));
	if (op != NULL)
		set_operator(e, r, op);

	if (cr != NULL && cr->country[0] != '\0') {
		memcpy(r->country, cr->country, 3);
		r->located_by = GEO_LOCATED_CLOUD_RANGE;
	} else if (r->anycast && sensor[0] != '\0') {
		memcpy(r->country, sensor, 3);
		r->located_by = GEO_LOCATED_ANYCAST_SENSOR;
	} else if (zones_zone(e->zones, ans.country) != ZONE_NONE) {
		memcpy(r->country, ans.country, 3);
		r->located_by = GEO_LOCATED_GEOIP;
	}
	decide(e, r);
}

static bool site_or_home(const struct geo_engine *e, const struct geo_addr *x,
			 struct geo_result *r)
{
	const struct policy_site *s;

	s = policy_site_lookup(e->policy, x, &r->prefix);
	if (s != NULL) {
		classify_site(e, s, r);
		return true;
	}
	if (policy_in_home(e->policy, x, &r->prefix)) {
		r->home = true;
		r->located_by = GEO_LOCATED_HOME;
		r->special = special_range_name(x);
		r->verdict = VERDICT_LOCAL;
		return true;
	}
	return false;
}

static void compute(const struct geo_engine *e, const struct geo_addr *a,
		    struct geo_result *r)
{
	const struct geo_addr *x = a;

	memset(r, 0, sizeof(*r));
	r->verdict = VERDICT_UNKNOWN;
	if (!site_or_home(e, a, r)) {
		if (special_unwrap_v4(a, e->nat64, e->nnat64, &r->v4)) {
			r->unwrapped = true;
			x = &r->v4;
		}
		if (x == a || !site_or_home(e, x, r)) {
			r->special = special_range_name(x);
			if (r->special != NULL) {
				r->located_by = GEO_LOCATED_SPECIAL;
				r->verdict = VERDICT_LOCAL;
			} else {
				classify_public(e, x, r);
			}
		}
	}
}

void geo_engine_classify_fast(struct geo_engine *e, const struct geo_addr *a,
			      struct geo_result *out)
{
	if (!geo_cache_get(e->cache, a, out)) {
		compute(e, a, out);
		geo_cache_put(e->cache, a, out);
	}
	out->reason[0] = '\0';
}

void geo_engine_reason(const struct geo_engine *e, const struct geo_addr *a,
		       struct geo_result *r)
{
	build_reason(e, a, r);
}

void geo_engine_classify(struct geo_engine *e, const struct geo_addr *a,
			 struct geo_result *out)
{
	geo_engine_classify_fast(e, a, out);
	build_reason(e, a, out);
}

bool geo_engine_is_home(const struct geo_engine *e, const struct geo_addr *a)
{
	struct geo_addr v4;

	if (policy_site_lookup(e->policy, a, NULL) != NULL)
		return false;
	if (policy_in_home(e->policy, a, NULL))
		return true;
	if (!special_unwrap_v4(a, e->nat64, e->nnat64, &v4))
		return false;
	return policy_site_lookup(e->policy, &v4, NULL) == NULL &&
	       policy_in_home(e->policy, &v4, NULL);
}

const struct policy_rule *geo_engine_match(const struct geo_engine *e,
					   const struct policy_query *q)
{
	const struct geo_result *r = q->result;
	struct policy_subject s = {
		.internal = q->internal,
		.remote = q->remote,
		.remote_v4 = r->unwrapped ? &r->v4 : NULL,
		.verdict = r->verdict,
		.country = r->country,
		.zone = r->zone,
		.asn = r->asn,
		.jurisdiction = r->controller,
		.extraterritorial = r->extraterritorial,
		.server_name = q->server_name,
		.transport = q->transport,
		.remote_port = q->remote_port,
	};

	return policy_match(e->policy, &s);
}

const struct policy *geo_engine_policy(const struct geo_engine *e)
{
	return e->policy;
}

const struct zones *geo_engine_zones(const struct geo_engine *e)
{
	return e->zones;
}

const struct operators *geo_engine_operators(const struct geo_engine *e)
{
	return e->ops;
}

const char *geo_engine_policy_hash(const struct geo_engine *e)
{
	return policy_hash(e->policy);
}

void geo_engine_info(const struct geo_engine *e, struct geo_engine_info *out)
{
	memset(out, 0, sizeof(*out));
	out->policy_hash = policy_hash(e->policy);
	out->policy_path = e->policy_path;
	out->zones_version = zones_version(e->zones);
	out->operators = operators_count(e->ops);
	if (e->geoip != NULL) {
		struct geoip_info gi;

		geoip_info(e->geoip, &gi);
		out->country_build_epoch = gi.country_build_epoch;
		out->asn_build_epoch = gi.asn_build_epoch;
		out->country_db = gi.country_path;
		out->asn_db = gi.asn_path;
		out->geoip_lookup_errors = gi.lookup_errors;
	}
	if (e->cloud != NULL) {
		out->cloud_ranges = cloud_ranges_count(e->cloud);
		out->cloud_ranges_unmapped = cloud_ranges_unmapped(e->cloud);
	}
	geo_cache_stats(e->cache, &out->cache);
}

enum { STALE_DAYS = 90 };

bool geo_engine_stale_warning(const struct geo_engine *e, time_t now,
			      char *buf, size_t len)
{
	struct geo_engine_info gi;
	const uint64_t limit = (uint64_t)STALE_DAYS * 86400;
	struct line l = { .buf = buf, .cap = len };
	const char *names[2];
	uint64_t epochs[2];

	if (len == 0)
		return false;
	buf[0] = '\0';
	geo_engine_info(e, &gi);
	names[0] = gi.country_db;
	names[1] = gi.asn_db;
	epochs[0] = gi.country_build_epoch;
	epochs[1] = gi.asn_build_epoch;
	for (int i = 0; i < 2; i++) {
		uint64_t age;

		if (names[i] == NULL || epochs[i] == 0 || now < 0 ||
		    (uint64_t)now <= epochs[i])
			continue;
		age = (uint64_t)now - epochs[i];
		if (age <= limit)
			continue;
		line_add(&l, "%s%s was built %llu days ago (more than %d): update the GeoIP data",
			 l.len ? "; " : "", names[i],
			 (unsigned long long)(age / 86400), STALE_DAYS);
	}
	return l.len > 0;
}
