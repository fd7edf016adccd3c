/*
 * addr.h: IP addresses and prefixes as the jurisdiction engine sees them.
 *
 * geo/ never includes monitor/: the pipeline converts its packet addresses
 * to struct geo_addr (same layout: IPv4 in the first 4 bytes, the rest 0).
 * Text goes in and out through inet_pton/inet_ntop, so addresses print as
 * RFC 5952 wants (lowercase, "::ffff:1.2.3.4" for a mapped address).
 */
#ifndef BERGERIE_GEO_ADDR_H
#define BERGERIE_GEO_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct geo_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t b[16];		/* IPv4: b[0..3], b[4..15] zero */
};

struct geo_prefix {
	struct geo_addr addr;	/* host bits cleared */
	uint8_t len;		/* 0..32 or 0..128 */
};

enum { GEO_ADDR_STRLEN = 46 };	/* INET6_ADDRSTRLEN */

/* "192.0.2.1" or "2001:db8::1" -> addr; false on anything else. */
bool geo_addr_parse(const char *s, struct geo_addr *out);

/* inet_ntop into buf (at least GEO_ADDR_STRLEN bytes); returns buf. */
const char *geo_addr_format(const struct geo_addr *a, char *buf, size_t len);

/* What glibc's inet_ntop writes for family 4 or 6 (b: 4 or 16 network-order
 * bytes), without its sprintf; NULL when len is too small or the family
 * unknown. */
const char *geo_addr_ntop(int family, const uint8_t *b, char *buf, size_t len);

/* An IPv4 address from 4 network-order bytes, an IPv6 one from 16. */
void geo_addr_from_v4(struct geo_addr *a, const uint8_t v4[4]);
void geo_addr_from_v6(struct geo_addr *a, const uint8_t v6[16]);

bool geo_addr_equal(const struct geo_addr *x, const struct geo_addr *y);

/*
 * "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). Host
 * bits set below the length are an error, as they usually mean a typo
 * ("10.0.0.1/8"). err gets a short reason for the caller to wrap.
 */
bool geo_prefix_parse(const char *s, struct geo_prefix *out, char *err,
		      size_t errlen);

/* Whether a lies inside p (same family only). */
bool geo_prefix_contains(const struct geo_prefix *p, const struct geo_addr *a);

const char *geo_prefix_format(const struct geo_prefix *p, char *buf,
			      size_t len);

#endif
