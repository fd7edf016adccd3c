/*
 * community_id.h: Community ID v1 (Corelight's spec,
 * github.com/corelight/community-id-spec), the flow hash Suricata, Zeek and
 * Wireshark print, so a SOC can join our records with theirs.
 */
#ifndef BERGERIE_COMMUNITY_ID_H
#define BERGERIE_COMMUNITY_ID_H

#include <stdint.h>

#include "packet.h"

enum { COMMUNITY_ID_STRLEN = 31 };	/* "1:" + 28 base64 + NUL */

/*
 * SHA-1 over the spec's input: seed, ordered addresses, protocol, padding,
 * ordered ports. For ICMP and ICMPv6, t->sport is the type and t->dport the
 * code of the packet; the spec's type pairing makes both directions equal.
 * Protocols without ports hash the addresses and protocol only.
 */
void community_id_hash(const struct flow_tuple *t, uint16_t seed,
		       uint8_t out[20]);

/* "1:" followed by the base64 of the hash. */
void community_id_format(const uint8_t hash[20],
			 char out[COMMUNITY_ID_STRLEN]);

#endif
