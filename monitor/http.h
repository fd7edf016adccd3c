/*
 * http.h: the Host of an HTTP/1.x client's first request.
 *
 * Jobs: recognise a request line (RFC 9112 section 3: method token, one
 * SP, request-target, one SP, "HTTP/1." digit, CRLF; a bare LF is
 * accepted as section 2.2 allows) from the first bytes of a client's
 * stream, then find the Host header (RFC 9110 section 7.2: field name
 * case-insensitive, optional whitespace around the value, obsolete line
 * folding of RFC 9112 section 5.2 joined with a space) and strip its port;
 * an IP literal (with or without brackets) is no name. Everything is
 * bounded: the request line and the header block at HTTP_MAX_HEAD bytes.
 *
 * Must never: allocate, or keep state between calls.
 */
#ifndef BERGERIE_HTTP_H
#define BERGERIE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"

enum {
	HTTP_METHOD_MAX = 16,	/* longer tokens are not a request we know */
	HTTP_MAX_HEAD = 8192,	/* bytes of request line and headers read */
};

enum http_status {
	HTTP_HOST,		/* host holds the name */
	HTTP_NO_HOST,		/* a request without a usable Host (absent,
				 * empty, or an IP literal) */
	HTTP_NEED_MORE,		/* consistent so far, cut */
	HTTP_NOT_REQUEST,	/* not an HTTP/1.x request line */
};

struct http_request {
	bool host_invalid;	/* the name needed escaping or cutting */
	bool host_ip_literal;	/* Host was an address */
	char host[NAME_MAX_LEN + 1];
};

/* p: the client's first bytes. final: no more will come. */
enum http_status http_parse_request(const uint8_t *p, size_t len, bool final,
				    struct http_request *out);

#endif
