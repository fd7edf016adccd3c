/*
 * zones.h: countries, zones and jurisdictions, loaded from
 * geo/data/zones.json and geo/data/jurisdictions.json.
 *
 * Jobs: map an ISO 3166-1 alpha-2 country to its zone (EU, EEA, adequacy,
 * third country), give an adequacy decision's details, and say whether a
 * jurisdiction reaches data held abroad (extraterritorial) and by which
 * laws. Everything is read once, validated strictly (unknown keys, bad or
 * duplicate codes are errors with a JSON pointer) and immutable afterwards.
 *
 * Never: guess. A country in no list is a third country; a jurisdiction
 * not in the file is not extraterritorial.
 */
#ifndef BERGERIE_GEO_ZONES_H
#define BERGERIE_GEO_ZONES_H

#include <stdbool.h>
#include <stddef.h>

enum zone {
	ZONE_NONE = 0,		/* no country: local or unknown */
	ZONE_EU,
	ZONE_EEA,		/* EEA, not EU: IS, LI, NO */
	ZONE_ADEQUACY,
	ZONE_THIRD,
};

/* "eu", "eea", "adequacy", "third"; NULL for ZONE_NONE. */
const char *zone_name(enum zone z);
bool zone_parse(const char *s, enum zone *out);

/* Two ASCII uppercase letters, nothing else. */
bool country_code_valid(const char *s);

struct adequacy {
	char code[3];
	const char *name;
	const char *decision;	/* "2000/518/EC" */
	const char *date;	/* "2000-07-26" */
	const char *scope;	/* "full", "commercial organisations ..." */
	const char *source;
};

struct jurisdiction {
	char code[3];
	const char *name;
	bool extraterritorial;
	const char *const *laws;	/* nlaws strings */
	size_t nlaws;
	const char *laws_text;		/* "CLOUD Act, FISA 702", "" if none */
};

struct zones;

/*
 * Loads both files. NULL on error, with "FILE:LINE:COLUMN: ..." (syntax)
 * or "FILE: /json/pointer: ..." (a bad value) in err.
 */
struct zones *zones_load(const char *zones_path, const char *juris_path,
			 char *err, size_t errlen);
void zones_free(struct zones *z);

/* The zone of a country code; ZONE_NONE for NULL, "" or an invalid code
 * (and "ZZ", "XX": unknown), ZONE_THIRD for a valid code in no list. */
enum zone zones_zone(const struct zones *z, const char *cc);

/* The country's name from zones.json (EU, EEA, adequacy lists), or NULL. */
const char *zones_country_name(const struct zones *z, const char *cc);

/* The adequacy decision covering cc, or NULL. */
const struct adequacy *zones_adequacy(const struct zones *z, const char *cc);

/* The jurisdiction entry for cc, or NULL when jurisdictions.json has none. */
const struct jurisdiction *zones_jurisdiction(const struct zones *z,
					      const char *cc);

/* zones.json "version", or "". */
const char *zones_version(const struct zones *z);

size_t zones_jurisdiction_count(const struct zones *z);
const struct jurisdiction *zones_jurisdiction_at(const struct zones *z,
						 size_t i);

#endif
