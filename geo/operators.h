/*
 * operators.h: who runs and who controls an address block, from
 * geo/data/operators.json.
 *
 * Jobs: ASN -> operator, prefix -> operator (with an anycast flag),
 * operator id -> operator. Each operator names its parent and the
 * jurisdiction that controls it (its ultimate parent's home), which may
 * differ from where its ASNs are registered: registration is not control.
 * Prefixes match before ASNs (CONTRACT.md section 6), so a "trusted cloud"
 * joint venture is modelled by its own prefixes and controller.
 *
 * Validated at load: unique ids, an ASN in at most one operator, every
 * controller present in jurisdictions.json, valid CIDRs, no prefix twice.
 * Immutable afterwards.
 */
#ifndef BERGERIE_GEO_OPERATORS_H
#define BERGERIE_GEO_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "zones.h"

enum operator_category {
	OPERATOR_CLOUD = 0,
	OPERATOR_CDN,
	OPERATOR_SAAS,
	OPERATOR_SOCIAL,
	OPERATOR_TELECOM,
	OPERATOR_HOSTING,
	OPERATOR_SECURITY,
	OPERATOR_OTHER,
};

/* "cloud", "cdn", "saas", "social", "telecom", "hosting", "security",
 * "other". */
const char *operator_category_name(enum operator_category c);

struct geo_operator {
	const char *id;			/* "aws" */
	const char *name;		/* "Amazon Web Services" */
	const char *parent;		/* "Amazon.com, Inc." */
	char controller[3];		/* "US" */
	const struct jurisdiction *jurisdiction;	/* of controller */
	enum operator_category category;
	const char *source;		/* ownership / control source */
	const char *asn_source;		/* NULL when absent */
	const uint32_t *asns;
	size_t nasns;
	const char *const *as_org_match;	/* lowercase substrings */
	size_t nas_org_match;
};

struct operator_prefix {
	struct geo_prefix prefix;
	bool anycast;
	const char *note;		/* NULL when absent */
	const struct geo_operator *op;
};

struct operators;

/*
 * Loads path; controllers are checked against z's jurisdictions. NULL on
 * error with "FILE:LINE:COLUMN: ..." or "FILE: /json/pointer: ..." in err.
 */
struct operators *operators_load(const char *path, const struct zones *z,
				 char *err, size_t errlen);
void operators_free(struct operators *ops);

const struct geo_operator *operators_by_asn(const struct operators *ops,
					    uint32_t asn);
const struct geo_operator *operators_by_id(const struct operators *ops,
					   const char *id);
/* The most specific operator prefix containing a, or NULL. */
const struct operator_prefix *operators_by_prefix(const struct operators *ops,
						  const struct geo_addr *a);

size_t operators_count(const struct operators *ops);
const struct geo_operator *operators_at(const struct operators *ops,
					size_t i);

#endif
