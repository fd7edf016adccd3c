/*
 * classify.h: the jurisdiction engine. Address -> verdict + reason.
 *
 * Jobs: load everything the decision needs (zones, jurisdictions,
 * operators, cloud ranges, GeoIP databases, the policy) into one immutable
 * engine; classify a remote address; match a flow against the policy.
 *
 * Evaluation order for an address (CONTRACT.md section 6):
 *   1. declared sites (a site prefix is never home);
 *   2. home networks;
 *   3. IPv4-mapped / NAT64 addresses are unwrapped and the whole chain
 *      (sites, home, ...) runs on the embedded IPv4; special ranges;
 *   4. cloud providers' own range files (location = the region's country);
 *   5. operator prefixes (control; anycast: location = sensor_country if
 *      the policy declares one, else GeoIP's country stands);
 *   6. GeoIP: country, and ASN -> operator for control.
 * Control comes from the operator table only, never from the country
 * where a block is registered.
 *
 * Life cycle and validity. An engine is reference counted. Results are
 * copied into a struct geo_result the caller owns; its strings point into
 * the engine's immutable tables (operators, jurisdictions, policy) or into
 * the struct itself. They stay valid as long as the caller holds a
 * reference on the engine that produced the result (geo_engine_ref). A
 * reload (SIGHUP) loads a new engine; flows holding results from the old
 * one keep their reference and drop it when they end. The cache inside
 * the engine holds copies, so its evictions never touch a caller's result.
 *
 * Thread safety: classify and match may be called from several threads
 * on one engine (the cache has a lock); the rest is read-only.
 */
#ifndef BERGERIE_GEO_CLASSIFY_H
#define BERGERIE_GEO_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "geo_cache.h"
#include "operators.h"
#include "policy.h"
#include "verdict.h"
#include "zones.h"

struct geo_config {
	const char *data_dir;		/* zones.json, jurisdictions.json,
					 * operators.json, cloud-regions.json */
	const char *country_db;		/* NULL: no GeoIP country */
	const char *asn_db;		/* NULL: no ASN data */
	const char *policy_path;	/* NULL: the built-in default */
	const char *cloud_ranges_dir;	/* NULL: none */
	uint64_t cache_memcap;		/* bytes; 0 disables the cache */
};

/* How the location was decided. */
enum geo_located {
	GEO_LOCATED_NONE = 0,		/* unknown */
	GEO_LOCATED_SITE,		/* a site declared in the policy */
	GEO_LOCATED_HOME,		/* a home network */
	GEO_LOCATED_SPECIAL,		/* a special range */
	GEO_LOCATED_CLOUD_RANGE,	/* a provider's published region */
	GEO_LOCATED_GEOIP,		/* the country database */
	GEO_LOCATED_ANYCAST_SENSOR,	/* anycast: the sensor's country */
};

/* "site", "home", "special", "cloud-range", "geoip", "anycast-sensor";
 * NULL for GEO_LOCATED_NONE. */
const char *geo_located_name(enum geo_located l);

enum { GEO_REASON_LEN = 448, GEO_AS_ORG_LEN = 128 };

struct geo_result {
	enum verdict verdict;
	enum geo_located located_by;
	enum zone zone;			/* of country; ZONE_NONE if none */
	char country[3];		/* location, "" when unknown */
	char geoip_country[3];		/* what GeoIP said, "" */
	char registered_country[3];	/* GeoIP's registration, "" */
	uint32_t asn;			/* 0 when unknown */
	char as_org[GEO_AS_ORG_LEN];	/* "" when unknown */
	bool anycast;			/* an anycast operator prefix */
	bool unwrapped;			/* mapped or NAT64: see v4 */
	struct geo_addr v4;		/* the embedded IPv4 when unwrapped */
	bool home;			/* in a home network (not a site) */
	/* Operator and control; all NULL/"" when no operator is known. */
	const struct geo_operator *op;	/* NULL for a site's free text */
	const char *operator_name;
	const char *operator_parent;
	char controller[3];
	const struct jurisdiction *jurisdiction;	/* NULL if not listed */
	bool extraterritorial;
	/* Where it came from. */
	const struct adequacy *adequacy;	/* for ZONE_ADEQUACY */
	const char *cloud_provider;	/* "aws", NULL */
	const char *cloud_region;	/* "eu-west-3", NULL */
	struct geo_prefix cloud_prefix;
	const char *special;		/* "private (RFC 1918)", NULL */
	const char *site;		/* site name, NULL */
	struct geo_prefix prefix;	/* the site, home or operator prefix */
	char reason[GEO_REASON_LEN];	/* one line, printable */
};

struct geo_engine;

/* NULL on error with the message (naming the file) in err. */
struct geo_engine *geo_engine_load(const struct geo_config *cfg, char *err,
				   size_t errlen);

/* Reference counting (atomic). load returns one reference. */
struct geo_engine *geo_engine_ref(struct geo_engine *e);
void geo_engine_unref(struct geo_engine *e);

/* Classifies a into *out (always filled; see the validity rules above). */
void geo_engine_classify(struct geo_engine *e, const struct geo_addr *a,
			 struct geo_result *out);

/*
 * The same without the reason (out->reason is ""): the packet path's
 * version, since the reason is text for people and costs more than the
 * rest of a cached classification. geo_engine_reason() adds it later from
 * the same result (a is the address that was classified).
 */
void geo_engine_classify_fast(struct geo_engine *e, const struct geo_addr *a,
			      struct geo_result *out);
void geo_engine_reason(const struct geo_engine *e, const struct geo_addr *a,
		       struct geo_result *r);

/* In a home network and not in a declared site (mapped/NAT64 unwrapped). */
bool geo_engine_is_home(const struct geo_engine *e, const struct geo_addr *a);

struct policy_query {
	const struct geo_addr *internal;	/* NULL: none (explain) */
	const struct geo_addr *remote;
	const struct geo_result *result;	/* remote's classification */
	const char *server_name;		/* sanitised, or NULL */
	uint8_t transport;			/* IANA protocol number */
	int remote_port;			/* -1 when none */
};

/* The first matching rule, or NULL (no alert). */
const struct policy_rule *geo_engine_match(const struct geo_engine *e,
					   const struct policy_query *q);

const struct policy *geo_engine_policy(const struct geo_engine *e);
const struct zones *geo_engine_zones(const struct geo_engine *e);
const struct operators *geo_engine_operators(const struct geo_engine *e);
const char *geo_engine_policy_hash(const struct geo_engine *e);

struct geo_engine_info {
	const char *policy_hash;
	const char *policy_path;	/* NULL: built-in */
	const char *zones_version;
	uint64_t country_build_epoch;	/* 0: no database or no date */
	uint64_t asn_build_epoch;
	const char *country_db, *asn_db;
	size_t operators, cloud_ranges, cloud_ranges_unmapped;
	uint64_t geoip_lookup_errors;
	struct geo_cache_stats cache;
};

void geo_engine_info(const struct geo_engine *e, struct geo_engine_info *out);

/*
 * When a database was built more than 90 days before now (packet time in
 * a replay), writes a one-line warning naming it and returns true.
 */
bool geo_engine_stale_warning(const struct geo_engine *e, time_t now,
			      char *buf, size_t len);

#endif
