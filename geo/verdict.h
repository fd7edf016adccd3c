/*
 * verdict.h: the six verdicts and the four policy severities, with their
 * names, parsers and orders (CONTRACT.md sections 1 and 2).
 *
 * The enum order is the display order: local, eu, eu_foreign_control,
 * adequate, third_country, unknown. Where one verdict must win (per-verdict
 * totals, a packet in several flows) use verdict_precedence(), not the enum
 * value.
 */
#ifndef BERGERIE_GEO_VERDICT_H
#define BERGERIE_GEO_VERDICT_H

#include <stdbool.h>

enum verdict {
	VERDICT_LOCAL = 0,		/* special or home address */
	VERDICT_EU,			/* EU/EEA, not foreign-controlled */
	VERDICT_EU_FOREIGN_CONTROL,	/* EU/EEA, extraterritorial control */
	VERDICT_ADEQUATE,		/* EU adequacy decision */
	VERDICT_THIRD_COUNTRY,		/* anywhere else, the US included */
	VERDICT_UNKNOWN,		/* no geolocation data */
};

enum { VERDICT_COUNT = VERDICT_UNKNOWN + 1 };

/* "local", "eu", "eu_foreign_control", "adequate", "third_country",
 * "unknown"; "?" for a value outside the enum. */
const char *verdict_name(enum verdict v);

/* Exact, case-sensitive names as verdict_name() writes them. */
bool verdict_parse(const char *s, enum verdict *out);

/*
 * Higher wins: third_country 5, unknown 4, adequate 3, eu_foreign_control 2,
 * eu 1, local 0.
 */
int verdict_precedence(enum verdict v);

/* The verdict of higher precedence. */
enum verdict verdict_worst(enum verdict a, enum verdict b);

enum severity {
	SEVERITY_LOW = 0,
	SEVERITY_MEDIUM,
	SEVERITY_HIGH,
	SEVERITY_CRITICAL,
};

enum { SEVERITY_COUNT = SEVERITY_CRITICAL + 1 };

/* "low", "medium", "high", "critical"; "?" outside the enum. */
const char *severity_name(enum severity s);
bool severity_parse(const char *s, enum severity *out);

/* ECS event.severity: low 21, medium 47, high 73, critical 99. */
int severity_ecs(enum severity s);

#endif
