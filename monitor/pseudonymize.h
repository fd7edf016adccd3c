/*
 * pseudonymize.h: --pseudonymize applied to what bergerie writes
 * (CONTRACT.md section 7): the home ends of a flow, as the engine's home
 * networks say, get their Crypto-PAn pseudonym (monitor/pseudonym.h) in
 * every output; remote ends stay as they are.
 *
 * Jobs: rewrite a finished flow record or alert in place (source.ip,
 * destination.ip, the tunnel's outer addresses when home, home addresses
 * and home prefixes quoted in bergerie.reason, and network.community_id
 * recomputed on the pseudonymised tuple); give the report a home side's
 * address as text.
 *
 * Records are rewritten after they are built, so record.c keeps one shape
 * and knows nothing of pseudonyms; the flow is only read, with its real
 * addresses, and must be the one the record was built from.
 */
#ifndef BERGERIE_PSEUDONYMIZE_H
#define BERGERIE_PSEUDONYMIZE_H

#include <stddef.h>

#include <jansson.h>

#include "flow.h"

struct pseudonym;

/* Rewrites rec (built from f by record.c, alerts.c) in place. */
void pseudonymize_record(struct pseudonym *p, json_t *rec, const struct flow *f);

/* Side 0 (initiator) or 1 (responder) of f as text: its pseudonym when it
 * is a home end, else the address itself. buf of at least 46 bytes. */
const char *pseudonymize_side(struct pseudonym *p, const struct flow *f,
			      int side, char *buf, size_t len);

#endif
