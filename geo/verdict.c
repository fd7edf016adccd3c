/* verdict.c: verdict and severity names, parsers and orders. */
#include <string.h>

#include "verdict.h"

static const char *const verdict_names[VERDICT_COUNT] = {
	[VERDICT_LOCAL] = "local",
	[VERDICT_EU] = "eu",
	[VERDICT_EU_FOREIGN_CONTROL] = "eu_foreign_control",
	[VERDICT_ADEQUATE] = "adequate",
	[VERDICT_THIRD_COUNTRY] = "third_country",
	[VERDICT_UNKNOWN] = "unknown",
};

/* CONTRACT.md section 2: third_country, unknown, adequate,
 * eu_foreign_control, eu, local. */
static const int verdict_prec[VERDICT_COUNT] = {
	[VERDICT_LOCAL] = 0,
	[VERDICT_EU] = 1,
	[VERDICT_EU_FOREIGN_CONTROL] = 2,
	[VERDICT_ADEQUATE] = 3,
	[VERDICT_UNKNOWN] = 4,
	[VERDICT_THIRD_COUNTRY] = 5,
};

static const char *const severity_names[SEVERITY_COUNT] = {
	[SEVERITY_LOW] = "low",
	[SEVERITY_MEDIUM] = "medium",
	[SEVERITY_HIGH] = "high",
	[SEVERITY_CRITICAL] = "critical",
};

/* CONTRACT.md section 1. */
static const int severity_ecs_values[SEVERITY_COUNT] = {
	[SEVERITY_LOW] = 21,
	[SEVERITY_MEDIUM] = 47,
	[SEVERITY_HIGH] = 73,
	[SEVERITY_CRITICAL] = 99,
};

const char *verdict_name(enum verdict v)
{
	if ((unsigned)v >= VERDICT_COUNT)
		return "?";
	return verdict_names[v];
}

bool verdict_parse(const char *s, enum verdict *out)
{
	if (s == NULL)
		return false;
	for (unsigned i = 0; i < VERDICT_COUNT; i++) {
		if (strcmp(s, verdict_names[i]) == 0) {
			*out = (enum verdict)i;
			return true;
		}
	}
	return false;
}

int verdict_precedence(enum verdict v)
{
	if ((unsigned)v >= VERDICT_COUNT)
		return -1;
	return verdict_prec[v];
}

enum verdict verdict_worst(enum verdict a, enum verdict b)
{
	return verdict_precedence(b) > verdict_precedence(a) ? b : a;
}

const char *severity_name(enum severity s)
{
	if ((unsigned)s >= SEVERITY_COUNT)
		return "?";
	return severity_names[s];
}

bool severity_parse(const char *s, enum severity *out)
{
	if (s == NULL)
		return false;
	for (unsigned i = 0; i < SEVERITY_COUNT; i++) {
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return true;
		}
	}
	return false;
}

int severity_ecs(enum severity s)
{
	if ((unsigned)s >= SEVERITY_COUNT)
		return 0;
	return severity_ecs_values[s];
}
