/*
 * policy.h: what the user declares (--policy FILE, JSON; docs/policy.md).
 *
 * Jobs: home networks, declared sites (prefix -> country, operator, name),
 * the sensor's country (for anycast), extra NAT64 prefixes, and the rules
 * that turn a classified flow into an alert (first match wins; no match
 * means no alert). Also the policy's short hash, written in records so a
 * reader knows which policy was in force.
 *
 * Loading is strict: a syntax error is "FILE:LINE:COLUMN: message", a bad
 * value "FILE: /json/pointer: message", an unknown key is an error.
 * Immutable after load.
 *
 * Never: classify. The engine (classify.h) fills a policy_subject and asks.
 */
#ifndef BERGERIE_GEO_POLICY_H
#define BERGERIE_GEO_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "operators.h"
#include "verdict.h"
#include "zones.h"

enum policy_action {
	POLICY_ALLOW = 0,
	POLICY_FLAG,
};

const char *policy_action_name(enum policy_action a);	/* "allow", "flag" */

struct policy_match;	/* the match keys; private to policy.c */

struct policy_rule {
	const char *id;			/* stable, [a-z0-9_.-]+, unique */
	const char *name;		/* human title */
	enum policy_action action;
	enum severity severity;		/* meaningful for POLICY_FLAG only */
	size_t index;			/* position in "rules" */
	const struct policy_match *match;
};

struct policy_site {
	const char *name;
	char country[3];
	const struct geo_operator *op;	/* an id from operators.json, or */
	const char *operator_name;	/* free text (op->name if op) */
	const char *operator_parent;	/* NULL when not given */
	char controller[3];		/* "" when no operator is known */
	size_t nprefixes;
	const struct geo_prefix *prefixes;
};

struct policy;

/*
 * Loads path, or the built-in default policy when path is NULL. Operator
 * ids in sites are resolved in ops (ops may be NULL only when the policy
 * names no operator id). NULL on error with the message in err.
 */
struct policy *policy_load(const char *path, const struct operators *ops,
			   char *err, size_t errlen);

/* The same from a string; name stands for the file in error messages. */
struct policy *policy_load_string(const char *text, const char *name,
				  const struct operators *ops, char *err,
				  size_t errlen);
void policy_free(struct policy *p);

/* The built-in default policy's JSON text (== geo/data/default-policy.json
 * as a policy; a test checks it). */
extern const char policy_default_json[];

/* First 12 hex digits of SHA-256 over the canonical dump (sorted keys,
 * compact) of the policy document. */
const char *policy_hash(const struct policy *p);

/* The site containing a (longest prefix), or NULL. */
const struct policy_site *policy_site_lookup(const struct policy *p,
					     const struct geo_addr *a,
					     struct geo_prefix *matched);

/* Whether a lies in a home network (sites are not considered here). */
bool policy_in_home(const struct policy *p, const struct geo_addr *a,
		    struct geo_prefix *matched);

/* Whether the home networks are the built-in defaults (no key given). */
bool policy_home_is_default(const struct policy *p);

/* "" when the policy declares none. */
const char *policy_sensor_country(const struct policy *p);

const struct geo_prefix *policy_nat64_prefixes(const struct policy *p,
					       size_t *count);

size_t policy_rule_count(const struct policy *p);
const struct policy_rule *policy_rule_at(const struct policy *p, size_t i);

/*
 * What a rule is matched against. Pointers may be NULL (and strings ""):
 * a rule keyed on something absent does not match.
 */
struct policy_subject {
	const struct geo_addr *internal;	/* NULL: no internal end */
	const struct geo_addr *remote;
	const struct geo_addr *remote_v4;	/* embedded IPv4, or NULL */
	enum verdict verdict;
	const char *country;		/* location, "" when unknown */
	enum zone zone;
	uint32_t asn;			/* 0 when unknown */
	const char *jurisdiction;	/* controller, "" when unknown */
	bool extraterritorial;
	const char *server_name;	/* sanitised, lowercase; NULL */
	uint8_t transport;		/* IANA protocol number; 0 = unknown */
	int remote_port;		/* -1 when the protocol has none */
};

/* The first rule matching s, or NULL (no alert). */
const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_subject *s);

/* The same test for one rule. */
bool policy_rule_matches(const struct policy_rule *r,
			 const struct policy_subject *s);

#endif
