/*
 * special.h: addresses that are not anybody's in particular.
 *
 * Recognised before any GeoIP look-up (CONTRACT.md section 6): private,
 * shared, loopback, link-local, multicast, broadcast, documentation,
 * benchmarking, reserved and unique-local ranges. Also unwraps addresses
 * that embed an IPv4 one (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, plus NAT64 prefixes a policy declares), which are then
 * classified as that IPv4 address.
 */
#ifndef BERGERIE_GEO_SPECIAL_H
#define BERGERIE_GEO_SPECIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

/*
 * The special range containing a, as a short name with its RFC
 * ("private (RFC 1918)", "shared address space (RFC 6598)", ...), or NULL
 * for an ordinary address. Never called on a mapped/NAT64 address before
 * unwrapping it.
 */
const char *special_range_name(const struct geo_addr *a);

/*
 * If a embeds an IPv4 address (IPv4-mapped, or NAT64 under the well-known
 * prefixes or one of the extra /96 prefixes given), writes it to v4 and
 * returns true. extra may be NULL when nextra is 0.
 */
bool special_unwrap_v4(const struct geo_addr *a, const struct geo_prefix *extra,
		       size_t nextra, struct geo_addr *v4);

#endif
