/*
 * dns.c: DNS response parser (dns.h). RFC 1035 section 4 for the message,
 * 4.1.4 for compression; RFC 3596 for AAAA.
 */
#include "dns.h"

#include <string.h>

#include "cursor.h"

enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_AAAA = 28,
	DNS_CLASS_IN = 1,
	DNS_HEADER_LEN = 12,
};

bool dns_read_name(struct cursor *c, struct dns_wire_name *out)
{
	const uint8_t *msg = c->base;
	size_t len = c->len;
	size_t pos = cursor_offset(c);
	size_t after = 0;	/* where the cursor resumes, once known */
	bool jumped = false;
	unsigned hops = 0;

	out->wlen = 0;
	for (;;) {
		uint8_t l;

		if (pos >= len)
			goto fail;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				goto fail;
			target = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			/* Only backwards, to before this pointer: every jump
			 * strictly decreases the position, so no loop. */
			if (target >= pos || ++hops > DNS_MAX_HOPS)
				goto fail;
			if (!jumped) {
				after = pos + 2;
				jumped = true;
			}
			pos = target;
			continue;
		}
		if (l & 0xc0)	/* 0x40, 0x80: extended/reserved kinds */
			goto fail;
		if (l == 0) {
			pos++;
			break;
		}
		/* l <= 63 here. The wire name counts the terminating zero. */
		if ((size_t)out->wlen + 1 + l + 1 > DNS_MAX_WIRE)
			goto fail;
		if (l > len - pos - 1)
			goto fail;
		out->b[out->wlen++] = l;
		for (unsigned i = 0; i < l; i++) {
			uint8_t ch = msg[pos + 1 + i];

			out->b[out->wlen++] =
				(uint8_t)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		pos += 1 + (size_t)l;
	}
	if (!jumped)
		after = pos;
	cursor_skip(c, after - cursor_offset(c));
	return cursor_ok(c);
fail:
	cursor_fail(c);
	return false;
}

size_t dns_name_text(const struct dns_wire_name *w, char out[NAME_MAX_LEN + 1],
		     bool *invalid)
{
	uint8_t text[DNS_MAX_WIRE];
	size_t n = 0;

	for (size_t i = 0; i < w->wlen;) {
		uint8_t l = w->b[i++];

		if (n)
			text[n++] = '.';
		memcpy(text + n, w->b + i, l);
		n += l;
		i += l;
	}
	return name_sanitize(text, n, out, invalid);
}

static bool wire_eq(const struct dns_wire_name *a, const struct dns_wire_name *b)
{
	return a->wlen == b->wlen && memcmp(a->b, b->b, a->wlen) == 0;
}

/* Index of name w among names[0..n), or -1. */
static int wire_find(const struct dns_wire_name *names, unsigned n,
		     const struct dns_wire_name *w)
{
	for (unsigned i = 0; i < n; i++)
		if (wire_eq(&names[i], w))
			return (int)i;
	return -1;
}

struct rr_seen {
	uint16_t type;
	uint32_t ttl;
	uint8_t family;
	uint8_t addr[16];
};

static void add_answer(struct dns_result *out, const struct rr_seen *rr,
		       uint8_t name)
{
	struct dns_answer *a;

	if (out->nanswers >= DNS_MAX_ANSWERS)
		return;
	/* Drop an exact duplicate (same address under the same name). */
	for (unsigned i = 0; i < out->nanswers; i++)
		if (out->ans[i].family == rr->family && out->ans[i].name == name &&
		    memcmp(out->ans[i].addr, rr->addr, 16) == 0)
			return;
	a = &out->ans[out->nanswers++];
	a->family = rr->family;
	memcpy(a->addr, rr->addr, 16);
	a->name = name;
	a->ttl = rr->ttl;
}

enum dns_status dns_parse_response(const uint8_t *msg, size_t len,
				   struct dns_result *out)
{
	struct cursor c;
	struct rr_seen rrs[DNS_MAX_RRS];
	struct dns_wire_name qname;
	unsigned nrr = 0, nalias = 0;
	uint16_t flags, qdcount, ancount;

	out->has_question = false;
	out->truncated_records = false;
	out->name_invalid = false;
	out->nnames = 0;
	out->nanswers = 0;

	cursor_init(&c, msg, len);
	cursor_skip(&c, 2);	/* id */
	flags = cursor_be16(&c);
	qdcount = cursor_be16(&c);
	ancount = cursor_be16(&c);
	cursor_skip(&c, 4);	/* nscount, arcount: nothing to learn there */
	if (!cursor_ok(&c))
		return DNS_MALFORMED;
	if (!(flags & 0x8000) || ((flags >> 11) & 0x0f) != 0)
		return DNS_NOT_RESPONSE;

	if (qdcount > 4)	/* never trust counts: no resolver sends this */
		return DNS_MALFORMED;
	/* The first question is the name the client asked for; further
	 * questions (never seen in practice) are skipped. */
	for (unsigned i = 0; i < qdcount; i++) {
		struct dns_wire_name w;

		if (!dns_read_name(&c, i == 0 ? &qname : &w))
			return DNS_MALFORMED;
		cursor_skip(&c, 4);	/* qtype, qclass */
		if (!cursor_ok(&c))
			return DNS_MALFORMED;
		if (i == 0) {
			out->has_question = true;
			dns_name_text(&qname, out->names[0], &out->name_invalid);
			out->nnames = 1;
			out->scratch_alias[nalias++] = qname;
		}
	}

	/* Answer records: at most DNS_MAX_RRS, whatever ANCOUNT claims. */
	for (unsigned i = 0; i < ancount; i++) {
		struct rr_seen *rr;
		uint16_t type, klass, rdlen;
		uint32_t ttl;

		if (nrr >= DNS_MAX_RRS) {
			out->truncated_records = true;
			break;
		}
		rr = &rrs[nrr];
		if (!dns_read_name(&c, &out->scratch_owner[nrr])) {
			out->truncated_records = true;
			break;
		}
		type = cursor_be16(&c);
		klass = cursor_be16(&c) & 0x7fff;	/* mDNS cache-flush bit */
		ttl = cursor_be32(&c);
		rdlen = cursor_be16(&c);
		if (!cursor_has(&c, rdlen)) {
			out->truncated_records = true;
			break;
		}
		if (klass != DNS_CLASS_IN) {
			cursor_skip(&c, rdlen);
			continue;
		}
		rr->type = type;
		rr->ttl = ttl & 0x7fffffff;	/* RFC 2181 section 8 */
		memset(rr->addr, 0, sizeof(rr->addr));
		if (type == DNS_TYPE_A && rdlen == 4) {
			rr->family = 4;
			cursor_copy(&c, rr->addr, 4);
		} else if (type == DNS_TYPE_AAAA && rdlen == 16) {
			rr->family = 6;
			cursor_copy(&c, rr->addr, 16);
		} else if (type == DNS_TYPE_CNAME) {
			/* The target may point anywhere before it in the
			 * message: read it with the whole message in view,
			 * then check it stayed inside RDATA. */
			size_t start = cursor_offset(&c);
			struct cursor t = c;

			if (!dns_read_name(&t, &out->scratch_target[nrr]) ||
			    cursor_offset(&t) - start > rdlen) {
				cursor_skip(&c, rdlen);
				continue;
			}
			cursor_skip(&c, rdlen);
		} else {
			cursor_skip(&c, rdlen);
			continue;
		}
		nrr++;
	}

	if (out->has_question) {
		/* Follow CNAME chains from the question name: an alias set
		 * grown until nothing changes (records may come in any
		 * order); each pass adds at least one name or stops. */
		bool grew = true;

		while (grew && nalias < DNS_MAX_RRS / 2) {
			grew = false;
			for (unsigned i = 0; i < nrr; i++) {
				if (rrs[i].type != DNS_TYPE_CNAME ||
				    wire_find(out->scratch_alias, nalias,
					      &out->scratch_owner[i]) < 0 ||
				    wire_find(out->scratch_alias, nalias,
					      &out->scratch_target[i]) >= 0)
					continue;
				out->scratch_alias[nalias++] =
					out->scratch_target[i];
				grew = true;
				if (nalias >= DNS_MAX_RRS / 2)
					break;
			}
		}
		for (unsigned i = 0; i < nrr; i++)
			if (rrs[i].type != DNS_TYPE_CNAME &&
			    wire_find(out->scratch_alias, nalias,
				      &out->scratch_owner[i]) >= 0)
				add_answer(out, &rrs[i], 0);
		return DNS_OK;
	}

	/* No question (mDNS announcements): each address by its owner. */
	for (unsigned i = 0; i < nrr; i++) {
		int k;

		if (rrs[i].type == DNS_TYPE_CNAME)
			continue;
		k = wire_find(out->scratch_alias, nalias,
			      &out->scratch_owner[i]);
		if (k < 0) {
			if (nalias >= DNS_MAX_NAMES)
				continue;
			k = (int)nalias;
			out->scratch_alias[nalias++] = out->scratch_owner[i];
			dns_name_text(&out->scratch_owner[i], out->names[k],
				      &out->name_invalid);
			out->nnames = (uint8_t)nalias;
		}
		add_answer(out, &rrs[i], (uint8_t)k);
	}
	return DNS_OK;
}
