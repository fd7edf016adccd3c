/*
 * special.c: ranges that belong to no jurisdiction (CONTRACT.md section 6).
 *
 * Jobs: name the special-purpose range an address falls in, with the RFC
 * that reserves it (the IANA special-purpose registries, RFC 6890), and
 * recover the IPv4 address embedded in IPv4-mapped and NAT64 addresses.
 * Must never: allocate or keep state (called from any thread).
 */
#include "geo/special.h"

#include <string.h>

struct special_range {
	uint8_t family;
	uint8_t len;
	uint8_t b[16];
	const char *name;
};

#define V4(a, b_, c, d, l, n) { 4, l, { a, b_, c, d }, n }

/* Order matters only where ranges nest: the limited broadcast address sits
 * inside 240/4 and must be named first (RFC 919 section 7). */
static const struct special_range special_v4[] = {
	V4(0, 0, 0, 0, 8, "this network (RFC 791)"),
	V4(10, 0, 0, 0, 8, "private (RFC 1918)"),
	V4(100, 64, 0, 0, 10, "shared address space / CGNAT (RFC 6598)"),
	V4(127, 0, 0, 0, 8, "loopback (RFC 1122)"),
	V4(169, 254, 0, 0, 16, "link-local (RFC 3927)"),
	V4(172, 16, 0, 0, 12, "private (RFC 1918)"),
	V4(192, 0, 0, 0, 24, "IETF protocol assignments (RFC 6890)"),
	V4(192, 0, 2, 0, 24, "documentation (RFC 5737)"),
	V4(192, 168, 0, 0, 16, "private (RFC 1918)"),
	V4(198, 18, 0, 0, 15, "benchmarking (RFC 2544)"),
	V4(198, 51, 100, 0, 24, "documentation (RFC 5737)"),
	V4(203, 0, 113, 0, 24, "documentation (RFC 5737)"),
	V4(224, 0, 0, 0, 4, "multicast (RFC 5771)"),
	V4(255, 255, 255, 255, 32, "broadcast (RFC 919)"),
	V4(240, 0, 0, 0, 4, "reserved (RFC 1112)"),
};

static const struct special_range special_v6[] = {
	{ 6, 128, { 0 }, "unspecified (RFC 4291)" },
	{ 6, 128, { [15] = 1 }, "loopback (RFC 4291)" },
	{ 6, 10, { 0xfe, 0x80 }, "link-local (RFC 4291)" },
	{ 6, 7, { 0xfc }, "unique local (RFC 4193)" },
	{ 6, 8, { 0xff }, "multicast (RFC 4291)" },
	{ 6, 32, { 0x20, 0x01, 0x0d, 0xb8 }, "documentation (RFC 3849)" },
	{ 6, 20, { 0x3f, 0xff }, "documentation (RFC 9637)" },
};

static bool range_contains(const struct special_range *r,
			   const struct geo_addr *a)
{
	struct geo_prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.family = r->family;
	memcpy(p.addr.b, r->b, sizeof(r->b));
	p.len = r->len;
	return geo_prefix_contains(&p, a);
}

const char *special_range_name(const struct geo_addr *a)
{
	const struct special_range *t;
	size_t n;

	if (!a)
		return NULL;
	if (a->family == 4) {
		t = special_v4;
		n = sizeof(special_v4) / sizeof(special_v4[0]);
	} else if (a->family == 6) {
		t = special_v6;
		n = sizeof(special_v6) / sizeof(special_v6[0]);
	} else {
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (range_contains(&t[i], a))
			return t[i].name;
	return NULL;
}

/*
 * The IPv4 address inside an IPv6 address under prefix p, as RFC 6052
 * section 2.2 lays it out for the lengths it allows (32, 40, 48, 56, 64,
 * 96). Bits 64..71 (the "u" octet) are skipped. Other lengths embed
 * nothing we can recover.
 */
static bool extract_rfc6052(const struct geo_addr *a, unsigned plen,
			    struct geo_addr *v4)
{
	uint8_t out[4];
	unsigned start, j = 0;

	switch (plen) {
	case 32: case 40: case 48: case 56: case 64: case 96:
		break;
	default:
		return false;
	}
	start = plen / 8;
	for (unsigned i = start; j < 4 && i < 16; i++) {
		if (i == 8)
			continue;
		out[j++] = a->b[i];
	}
	if (j != 4)
		return false;
	geo_addr_from_v4(v4, out);
	return true;
}

bool special_unwrap_v4(const struct geo_addr *a, const struct geo_prefix *extra,
		       size_t nextra, struct geo_addr *v4)
{
	/* IPv4-mapped, RFC 4291 section 2.5.5.2. */
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	/* NAT64 well-known prefix, RFC 6052 section 2.1. */
	static const uint8_t wkp[12] = { 0x00, 0x64, 0xff, 0x9b };
	/* RFC 8215 local-use prefix. Operators carve their own NAT64 prefix
	 * out of this /48 and RFC 6052 allows several lengths; we read it as
	 * a /96 (the IPv4 address in the last 32 bits) because that is what
	 * NAT64 gateways use in practice. A deployment with another length
	 * declares its prefix to the policy, which comes in through extra. */
	static const uint8_t local[6] = { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 };

	if (!a || !v4 || a->family != 6)
		return false;
	for (size_t i = 0; extra && i < nextra; i++) {
		if (extra[i].addr.family != 6)
			continue;
		if (geo_prefix_contains(&extra[i], a) &&
		    extract_rfc6052(a, extra[i].len, v4))
			return true;
	}
	if (memcmp(a->b, mapped, sizeof(mapped)) == 0 ||
	    memcmp(a->b, wkp, sizeof(wkp)) == 0 ||
	    memcmp(a->b, local, sizeof(local)) == 0) {
		geo_addr_from_v4(v4, a->b + 12);
		return true;
	}
	return false;
}
