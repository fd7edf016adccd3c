/*
 * addr.c: IP addresses and prefixes in and out of text.
 *
 * Jobs: parse addresses and prefixes through inet_pton, format them as
 * glibc's inet_ntop does (RFC 5952's canonical form; geo_addr_ntop, tested
 * against inet_ntop itself), reject prefixes with
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

/* "a.b.c.d" at p; returns the end. */
static char *put_v4(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	return p;
}

/*
 * glibc's inet_ntop6 step by step (resolv/inet_ntop.c): the first longest
 * run of two or more zero words becomes "::"; ::a.b.c.d for IPv4-compatible
 * (six zero words) and ::ffff:a.b.c.d for mapped addresses; lowercase hex
 * without leading zeros. inet_ntop formats through sprintf, a large share
 * of a flow record's cost.
 */
static char *put_v6(char *p, const uint8_t *b)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 1;
			} else {
				cur_len++;
			}
		} else if (cur >= 0) {
			if (best < 0 || cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
			cur = -1;
		}
	}
	if (cur >= 0 && (best < 0 || cur_len > best_len)) {
		best = cur;
		best_len = cur_len;
	}
	if (best >= 0 && best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_v4(p, b + 12);
		for (int sh = 12; sh >= 0; sh -= 4)
			if ((w[i] >> sh) || sh == 0)
				*p++ = hex[(w[i] >> sh) & 15];
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return p;
}

const char *geo_addr_ntop(int family, const uint8_t *b, char *buf, size_t len)
{
	char tmp[GEO_ADDR_STRLEN];
	char *end;
	size_t n;

	if (!buf || len == 0)
		return NULL;
	if (family == 4)
		end = put_v4(tmp, b);
	else if (family == 6)
		end = put_v6(tmp, b);
	else
		return NULL;
	n = (size_t)(end - tmp);
	if (n + 1 > len)
		return NULL;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

const char *geo_addr_format(const struct geo_addr *a, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (!a)
		return buf;
	if (!geo_addr_ntop(a->family, a->b, buf, len))
		buf[0] = '\0';
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
