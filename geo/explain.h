/*
 * explain.h: `bergerie explain ADDRESS...`, the whole decision chain for
 * one address, as text a person reads or as one JSON object per line.
 *
 * The policy is evaluated as for a flow with no internal end, no server
 * name, no transport and no port: a rule that requires any of those
 * (internal_cidr, server_name, transport, port) cannot match here, so the
 * rule shown is the one an address-only flow would meet.
 *
 * JSON keys (CONTRACT.md section 6; absent values are omitted, never
 * null): address, embedded_ipv4, verdict, reason, located_by, country,
 * geoip_country, registered_country, zone, adequacy_decision, asn
 * (integer), as_org, operator, operator_id, operator_parent, jurisdiction,
 * extraterritorial (bool), laws (array of strings), special, site, home
 * (bool), cloud_provider, cloud_region, anycast (bool), rule, rule_name,
 * rule_action, severity, policy_hash.
 */
#ifndef BERGERIE_GEO_EXPLAIN_H
#define BERGERIE_GEO_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "classify.h"

/*
 * Writes the explanation of address_text to out. Returns 0, or -1 with
 * "ADDRESS: not an IP address" (or a write error) in err.
 */
int geo_explain(struct geo_engine *e, const char *address_text, bool json,
		FILE *out, char *err, size_t errlen);

#endif
