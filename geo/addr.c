/*
 * addr.c: IP addresses and prefixes in and out of text.
 *
 * Jobs: parse and format addresses and prefixes through inet_pton and
 * inet_ntop (so output is RFC 5952's canonical form), reject prefixes with
 * host bits set, test containment.
 * Must never: accept a prefix length it did not read as digits, or read a
 * byte beyond b[16].
 */
#include "geo/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool geo_addr_parse(const char *s, struct geo_addr *out)
{
	uint8_t buf[16];

	if (!s || !out)
		return false;
	if (inet_pton(AF_INET, s, buf) == 1) {
		geo_addr_from_v4(out, buf);
		return true;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		geo_addr_from_v6(out, buf);
		return true;
	}
	return false;
}

const char *geo_addr_format(const struct geo_addr *a, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (!a)
		return buf;
	if (a->family == 4) {
		if (!inet_ntop(AF_INET, a->b, buf, (socklen_t)len))
			buf[0] = '\0';
	} else if (a->family == 6) {
		if (!inet_ntop(AF_INET6, a->b, buf, (socklen_t)len))
			buf[0] = '\0';
	}
	return buf;
}

void geo_addr_from_v4(struct geo_addr *a, const uint8_t v4[4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, v4, 4);
}

void geo_addr_from_v6(struct geo_addr *a, const uint8_t v6[16])
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	memcpy(a->b, v6, 16);
}

bool geo_addr_equal(const struct geo_addr *x, const struct geo_addr *y)
{
	if (x->family != y->family)
		return false;
	return memcmp(x->b, y->b, x->family == 4 ? 4 : 16) == 0;
}

static unsigned addr_bits(const struct geo_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

/* Whether any bit at position >= len (counting from the most significant)
 * is set. */
static bool addr_host_bits_set(const struct geo_addr *a, unsigned len)
{
	unsigned nbytes = addr_bits(a) / 8;

	for (unsigned i = len / 8; i < nbytes; i++) {
		uint8_t mask = 0xff;

		if (i == len / 8 && len % 8)
			mask = (uint8_t)(0xff >> (len % 8));
		if (a->b[i] & mask)
			return true;
	}
	return false;
}

static bool prefix_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return false;
}

bool geo_prefix_parse(const char *s, struct geo_prefix *out, char *err,
		      size_t errlen)
{
	char text[GEO_ADDR_STRLEN];
	const char *slash;
	size_t alen;
	unsigned len = 0, max;

	if (!s || !out)
		return prefix_err(err, errlen, "no prefix");
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(text))
		return prefix_err(err, errlen, "not an IP address");
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (!geo_addr_parse(text, &out->addr))
		return prefix_err(err, errlen, "not an IP address");
	max = addr_bits(&out->addr);
	if (!slash) {
		out->len = (uint8_t)max;
		return true;
	}
	/* Digits only, no sign, no spaces, no leading zeros beyond "0", so
	 * "/+8", "/ 8" and "/008" are typos rather than something strtoul
	 * happens to accept. */
	const char *d = slash + 1;
	if (*d == '\0')
		return prefix_err(err, errlen, "missing prefix length");
	if (d[0] == '0' && d[1] != '\0')
		return prefix_err(err, errlen, "bad prefix length");
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return prefix_err(err, errlen, "bad prefix length");
		len = len * 10 + (unsigned)(*d - '0');
		if (len > max)
			return prefix_err(err, errlen, max == 32 ?
					  "prefix length over 32" :
					  "prefix length over 128");
	}
	if (addr_host_bits_set(&out->addr, len))
		return prefix_err(err, errlen,
				  "host bits set below the prefix length");
	out->len = (uint8_t)len;
	return true;
}

bool geo_prefix_contains(const struct geo_prefix *p, const struct geo_addr *a)
{
	unsigned len = p->len, full, rem;

	if (p->addr.family != a->family)
		return false;
	if (len > addr_bits(a))
		return false;
	full = len / 8;
	rem = len % 8;
	if (memcmp(p->addr.b, a->b, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		if ((p->addr.b[full] & mask) != (a->b[full] & mask))
			return false;
	}
	return true;
}

const char *geo_prefix_format(const struct geo_prefix *p, char *buf,
			      size_t len)
{
	char a[GEO_ADDR_STRLEN];

	if (!buf || len == 0)
		return buf;
	geo_addr_format(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, (unsigned)p->len);
	return buf;
}
