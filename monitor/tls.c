/*
 * tls.c: ClientHello parser (tls.h).
 */
#include "tls.h"

#include <string.h>

#include "cursor.h"

enum {
	TLS_CT_HANDSHAKE = 22,
	TLS_HS_CLIENT_HELLO = 1,
	TLS_HS_HEADER = 4,
};

const char *tls_status_name(enum tls_status s)
{
	switch (s) {
	case TLS_HELLO:
		return "hello";
	case TLS_NEED_MORE:
		return "need_more";
	case TLS_NOT_HELLO:
		return "not_hello";
	case TLS_MALFORMED:
		return "malformed";
	}
	return "?";
}

/* server_name extension body (RFC 6066 section 3). */
static void read_sni(struct cursor *ext, struct tls_hello *out)
{
	struct cursor list = cursor_sub(ext, cursor_be16(ext));

	while (cursor_ok(&list) && cursor_remaining(&list) > 0) {
		uint8_t type = cursor_u8(&list);
		uint16_t n = cursor_be16(&list);
		const uint8_t *name = cursor_bytes(&list, n);

		if (!name || type != 0 || n == 0)
			continue;	/* only host_name (0) is defined */
		if (name_sanitize(name, n, out->sni, &out->sni_invalid) == 0)
			return;
		if (name_is_ip_literal(out->sni)) {
			/* RFC 6066: "Literal IPv4 and IPv6 addresses are
			 * not permitted"; an address is not a name. */
			out->sni_ip_literal = true;
			out->sni[0] = '\0';
			return;
		}
		out->has_sni = true;
		return;
	}
}

/* ALPN extension body: the first protocol name (RFC 7301 section 3.1). */
static void read_alpn(struct cursor *ext, struct tls_hello *out)
{
	struct cursor list = cursor_sub(ext, cursor_be16(ext));
	uint8_t n = cursor_u8(&list);
	const uint8_t *proto = cursor_bytes(&list, n);
	bool ignored = false;
	char tmp[NAME_MAX_LEN + 1];
	size_t len;

	if (!proto || n == 0)
		return;
	len = name_sanitize(proto, n, tmp, &ignored);
	if (len > TLS_ALPN_MAX)
		len = TLS_ALPN_MAX;
	memcpy(out->alpn, tmp, len);
	out->alpn[len] = '\0';
	out->has_alpn = len > 0;
}

enum tls_status tls_parse_handshake(const uint8_t *p, size_t len, bool final,
				    struct tls_hello *out)
{
	struct cursor c, body, exts;
	uint32_t hlen;
	uint8_t n;
	uint16_t n16;

	memset(out, 0, sizeof(*out));
	cursor_init(&c, p, len);
	if (len < 1)
		return final ? TLS_NOT_HELLO : TLS_NEED_MORE;
	if (p[0] != TLS_HS_CLIENT_HELLO)
		return TLS_NOT_HELLO;
	if (len < TLS_HS_HEADER)
		return final ? TLS_MALFORMED : TLS_NEED_MORE;
	cursor_skip(&c, 1);
	hlen = cursor_be24(&c);
	/* Smallest ClientHello: version, random, three empty vectors and
	 * one cipher suite and one compression method. */
	if (hlen < 2 + 32 + 1 + 2 + 2 + 1 + 1)
		return TLS_MALFORMED;
	if (cursor_remaining(&c) < hlen) {
		if (!final)
			return TLS_NEED_MORE;
		out->partial = true;
		hlen = (uint32_t)cursor_remaining(&c);
	}
	body = cursor_sub(&c, hlen);

	cursor_skip(&body, 2 + 32);	/* legacy_version, random */
	n = cursor_u8(&body);		/* legacy_session_id */
	if (n > 32)
		return TLS_MALFORMED;
	cursor_skip(&body, n);
	n16 = cursor_be16(&body);	/* cipher_suites */
	if (cursor_ok(&body) && (n16 < 2 || n16 % 2))
		return TLS_MALFORMED;
	cursor_skip(&body, n16);
	n = cursor_u8(&body);		/* legacy_compression_methods */
	if (cursor_ok(&body) && n < 1)
		return TLS_MALFORMED;
	cursor_skip(&body, n);
	if (!cursor_ok(&body))
		return TLS_MALFORMED;	/* cut (partial) or lying lengths */
	if (cursor_remaining(&body) == 0)
		return out->partial ? TLS_MALFORMED : TLS_HELLO; /* no exts */

	n16 = cursor_be16(&body);
	if (!out->partial && n16 != cursor_remaining(&body))
		return TLS_MALFORMED;
	exts = cursor_sub(&body, n16 < cursor_remaining(&body) ?
					 n16 : cursor_remaining(&body));
	while (cursor_ok(&exts) && cursor_remaining(&exts) > 0) {
		uint16_t type = cursor_be16(&exts);
		uint16_t elen = cursor_be16(&exts);
		struct cursor e = cursor_sub(&exts, elen);

		if (!cursor_ok(&e))
			break;
		switch (type) {
		case TLS_EXT_SERVER_NAME:
			if (!out->has_sni && !out->sni_ip_literal)
				read_sni(&e, out);
			break;
		case TLS_EXT_ALPN:
			if (!out->has_alpn)
				read_alpn(&e, out);
			break;
		case TLS_EXT_ECH:
			out->ech = true;
			break;
		default:
			break;	/* GREASE (RFC 8701) and the rest */
		}
	}
	if (out->partial)
		return out->has_sni ? TLS_HELLO : TLS_MALFORMED;
	return cursor_ok(&exts) ? TLS_HELLO : TLS_MALFORMED;
}

/* Checks a record header at p (5 bytes known to be there). */
static bool record_header_ok(const uint8_t *p)
{
	uint16_t rlen = (uint16_t)(p[3] << 8 | p[4]);

	return p[0] == TLS_CT_HANDSHAKE && p[1] == 3 && p[2] <= 4 &&
	       rlen > 0 && rlen <= TLS_RECORD_MAX;
}

enum tls_status tls_parse_records(const uint8_t *p, size_t len, bool final,
				  uint8_t *scratch, size_t scratch_len,
				  struct tls_hello *out)
{
	struct cursor c;
	size_t have = 0;
	bool full = false;	/* scratch full: no more can be joined */
	uint16_t rlen;
	enum tls_status st;

	memset(out, 0, sizeof(*out));
	/* Decide early whether this can be a TLS handshake record, on as
	 * few bytes as are there. */
	if (len >= 1 && p[0] != TLS_CT_HANDSHAKE)
		return TLS_NOT_HELLO;
	if (len >= 2 && p[1] != 3)
		return TLS_NOT_HELLO;
	if (len >= 3 && p[2] > 4)
		return TLS_NOT_HELLO;
	if (len >= 6 && p[5] != TLS_HS_CLIENT_HELLO)
		return TLS_NOT_HELLO;
	if (len < TLS_RECORD_HEADER)
		return final ? TLS_NOT_HELLO : TLS_NEED_MORE;
	if (!record_header_ok(p))
		return TLS_NOT_HELLO;

	rlen = (uint16_t)(p[3] << 8 | p[4]);
	/* Fast path: the whole message in the first record, no copy. */
	if (len >= TLS_RECORD_HEADER + (size_t)rlen && rlen >= TLS_HS_HEADER &&
	    (uint32_t)(p[6] << 16 | p[7] << 8 | p[8]) + TLS_HS_HEADER <= rlen)
		return tls_parse_handshake(p + TLS_RECORD_HEADER, rlen, true,
					   out);

	/* Join the handshake fragments of consecutive records. */
	cursor_init(&c, p, len);
	while (cursor_remaining(&c) > 0) {
		const uint8_t *h = cursor_peek(&c, TLS_RECORD_HEADER);
		size_t take;

		if (!h)
			break;	/* a header cut: wait for the rest */
		if (!record_header_ok(h)) {
			/* A record of another type ends the handshake
			 * stream: what was joined is all there is. */
			final = true;
			break;
		}
		rlen = (uint16_t)(h[3] << 8 | h[4]);
		cursor_skip(&c, TLS_RECORD_HEADER);
		take = cursor_remaining(&c) < rlen ? cursor_remaining(&c) : rlen;
		if (take > scratch_len - have) {
			take = scratch_len - have;
			full = true;
		}
		memcpy(scratch + have, cursor_bytes(&c, take), take);
		have += take;
		if (full || take < rlen)
			break;
		/* Enough for the whole message? Then stop joining. */
		if (have >= TLS_HS_HEADER &&
		    ((size_t)scratch[1] << 16 | (size_t)scratch[2] << 8 |
		     scratch[3]) + TLS_HS_HEADER <= have)
			break;
	}
	st = tls_parse_handshake(scratch, have, final || full, out);
	return st;
}
