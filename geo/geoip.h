/*
 * geoip.h: country and AS look-ups in MaxMind-format databases.
 *
 * Opens a country database and an ASN database with libmaxminddb (memory
 * mapped) and tells their schema apart by the metadata and the keys:
 *   - MaxMind GeoIP2/GeoLite2 Country or City: country.iso_code,
 *     registered_country.iso_code, continent.code;
 *   - the flat ip-location-db schema (DB-IP derived): country_code;
 *   - IPinfo Lite: country_code, asn ("AS123" string), as_name;
 *   - GeoLite2-ASN and DB-IP ASN (and bergerie's own ASN database):
 *     autonomous_system_number, autonomous_system_organization.
 * A database of the wrong kind (an ASN database given as country, a City
 * database given as ASN) is an error naming the file and what it holds.
 * A corrupt or truncated file is an error, never a crash; a look-up that
 * hits a corrupt record reports no data and counts it.
 */
#ifndef BERGERIE_GEO_GEOIP_H
#define BERGERIE_GEO_GEOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum geoip_schema {
	GEOIP_SCHEMA_NONE = 0,
	GEOIP_SCHEMA_MAXMIND_COUNTRY,	/* GeoIP2/GeoLite2 Country or City */
	GEOIP_SCHEMA_FLAT_COUNTRY,	/* ip-location-db: country_code */
	GEOIP_SCHEMA_IPINFO_LITE,	/* country and ASN in one file */
	GEOIP_SCHEMA_MAXMIND_ASN,	/* autonomous_system_number/_organization */
};

struct geoip_answer {
	char country[3];		/* ISO 3166-1 alpha-2, "" when unknown */
	char registered_country[3];	/* where the block is registered */
	char continent[3];
	uint32_t asn;			/* 0 when unknown */
	char as_org[128];		/* sanitised printable ASCII/UTF-8, "" */
};

struct geoip;

/*
 * Opens the databases. Either path may be NULL (no such data); an IPinfo
 * Lite file given as country also answers AS questions when no ASN file is
 * given. NULL on error with "FILE: what went wrong" in err.
 */
struct geoip *geoip_open(const char *country_path, const char *asn_path,
			 char *err, size_t errlen);
void geoip_close(struct geoip *g);

/* Looks a up in every open database; true when anything was found. An
 * IPv4 address is looked up as such in IPv6 databases (libmaxminddb's
 * IPv4 subtree). */
bool geoip_lookup(struct geoip *g, const struct geo_addr *a,
		  struct geoip_answer *out);

struct geoip_info {
	const char *country_path, *asn_path;	/* NULL when not open */
	enum geoip_schema country_schema, asn_schema;
	const char *country_type, *asn_type;	/* metadata database_type */
	uint64_t country_build_epoch, asn_build_epoch;	/* 0 when absent */
	uint64_t lookup_errors;		/* corrupt records met */
};

void geoip_info(const struct geoip *g, struct geoip_info *info);

#endif
