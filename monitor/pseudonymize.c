/*
 * pseudonymize.c: home addresses out of records, by their pseudonyms.
 */
#include "pseudonymize.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "flow_verdict.h"
#include "pseudonym.h"
#include "geo/addr.h"
#include "geo/classify.h"

/* Home sides of f: bit 0 the initiator, bit 1 the responder. */
static unsigned home_sides(const struct flow *f)
{
	if (!f->classified)
		return 0;
	switch (flow_direction_of(f)) {
	case FLOW_DIR_OUTBOUND:
		return 1;
	case FLOW_DIR_INBOUND:
		return 2;
	case FLOW_DIR_INTERNAL:
		return 3;
	default:
		return 0;
	}
}

static bool addr_is_home(const struct flow *f, const struct geo_addr *a)
{
	return f->engine && geo_engine_is_home(f->engine, a);
}

static void pseudo_ip(struct pseudonym *p, uint8_t family, struct ip_addr *a)
{
	pseudonym_addr(p, family, a->b, a->b);
}

const char *pseudonymize_side(struct pseudonym *p, const struct flow *f,
			      int side, char *buf, size_t len)
{
	struct geo_addr a;

	flow_side_addr(f, side, &a);
	if (p && (home_sides(f) & (1u << side)))
		pseudonym_addr(p, a.family, a.b, a.b);
	return geo_addr_format(&a, buf, len);
}

static void set_ip(json_t *obj, const char *key, const struct ip_addr *a,
		   uint8_t family)
{
	struct geo_addr g;
	char buf[GEO_ADDR_STRLEN];
	json_t *o = json_object_get(obj, key);

	if (!json_is_object(o))
		return;
	g.family = family;
	memcpy(g.b, a->b, sizeof(g.b));
	json_object_set_new(o, "ip", json_string(geo_addr_format(&g, buf,
								  sizeof(buf))));
}

/* bergerie.tunnel.outer: the tunnel endpoints that are home. */
static void pseudo_outer(struct pseudonym *p, json_t *rec, const struct flow *f)
{
	json_t *outer = json_object_get(
		json_object_get(json_object_get(rec, "bergerie"), "tunnel"),
		"outer");
	const struct ip_addr *ends[2] = {&f->outer_src, &f->outer_dst};
	static const char *const keys[2] = {"source", "destination"};

	if (!json_is_object(outer) || !f->outer_family)
		return;
	for (int i = 0; i < 2; i++) {
		struct geo_addr g;
		struct ip_addr x = *ends[i];

		g.family = f->outer_family;
		memcpy(g.b, x.b, sizeof(g.b));
		if (!addr_is_home(f, &g))
			continue;
		pseudo_ip(p, f->outer_family, &x);
		set_ip(outer, keys[i], &x, f->outer_family);
	}
}

static bool addr_char(char c)
{
	return isxdigit((unsigned char)c) || c == ':' || c == '.';
}

/* One token of the reason, "ADDR" or "ADDR/LEN": its pseudonym into out
 * when it is a home address or a home prefix. */
static bool pseudo_token(struct pseudonym *p, const struct flow *f,
			 const char *tok, size_t n, char *out, size_t outlen)
{
	char buf[64], *slash;
	struct geo_addr a;
	long len = -1;

	if (n < 2 || n >= sizeof(buf))
		return false;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash) {
		char *end;

		*slash = '\0';
		len = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1)
			return false;
	}
	if (!geo_addr_parse(buf, &a) || !addr_is_home(f, &a))
		return false;
	pseudonym_addr(p, a.family, a.b, a.b);
	if (len >= 0) {
		int bits = a.family == 6 ? 128 : 32;

		if (len > bits)
			return false;
		/* Prefix-preserving: the prefix's pseudonym is the first len
		 * bits of any of its addresses' pseudonyms. */
		for (int i = (int)len; i < bits; i++)
			a.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		geo_addr_format(&a, buf, sizeof(buf));
		snprintf(out, outlen, "%s/%ld", buf, len);
	} else {
		geo_addr_format(&a, out, outlen);
	}
	return true;
}

/* Home addresses and prefixes quoted in bergerie.reason ("10.1.0.21:
 * private (RFC 1918): local", "home network 10.1.0.0/16"). */
static void pseudo_reason(struct pseudonym *p, json_t *rec, const struct flow *f)
{
	json_t *bg = json_object_get(rec, "bergerie");
	const char *s = json_string_value(json_object_get(bg, "reason"));
	char out[1024];
	size_t o = 0;
	bool changed = false;

	if (!s)
		return;
	for (size_t i = 0; s[i] && o + 1 < sizeof(out);) {
		size_t j = i;
		char rep[80];

		if (!addr_char(s[i]) || (i > 0 && isalnum((unsigned char)s[i - 1]))) {
			out[o++] = s[i++];
			continue;
		}
		while (s[j] && (addr_char(s[j]) || s[j] == '/'))
			j++;
		/* "10.1.0.21:" ends a subject: the colon is not the address's */
		while (j > i && (s[j - 1] == ':' || s[j - 1] == '.') &&
		       !(j - i >= 2 && s[j - 2] == ':'))
			j--;
		if (j == i) {		/* a lone ':' or '.' */
			out[o++] = s[i++];
			continue;
		}
		if (!isalnum((unsigned char)s[j]) &&
		    pseudo_token(p, f, s + i, j - i, rep, sizeof(rep))) {
			size_t rl = strlen(rep);

			if (o + rl >= sizeof(out))
				break;
			memcpy(out + o, rep, rl);
			o += rl;
			changed = true;
		} else {
			size_t n = j - i;

			if (o + n >= sizeof(out))
				break;
			memcpy(out + o, s + i, n);
			o += n;
		}
		i = j;
	}
	out[o] = '\0';
	if (changed)
		json_object_set_new(bg, "reason", json_string(out));
}

void pseudonymize_record(struct pseudonym *p, json_t *rec, const struct flow *f)
{
	unsigned home = home_sides(f);
	struct flow_tuple t;
	uint8_t cid[20];
	char cids[COMMUNITY_ID_STRLEN];

	if (!p || !rec)
		return;
	if (home) {
		flow_tuple_of(f, &t);
		if (home & 1) {
			pseudo_ip(p, t.family, &t.src);
			set_ip(rec, "source", &t.src, t.family);
		}
		if (home & 2) {
			pseudo_ip(p, t.family, &t.dst);
			set_ip(rec, "destination", &t.dst, t.family);
		}
		/* The Community ID of the tuple the record shows. */
		if (t.proto == IPPROTO_NUM_ICMP || t.proto == IPPROTO_NUM_ICMPV6) {
			t.sport = f->icmp_type;
			t.dport = f->icmp_code;
		}
		community_id_hash(&t, 0, cid);
		community_id_format(cid, cids);
		json_object_set_new(json_object_get(rec, "network"),
				    "community_id", json_string(cids));
	}
	pseudo_outer(p, rec, f);
	pseudo_reason(p, rec, f);
}
