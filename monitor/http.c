/*
 * http.c: HTTP/1.x request line and Host header (http.h).
 */
#include "http.h"

#include <string.h>

#include "cursor.h"

/* RFC 9110 section 5.6.2: tchar. */
static bool is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static uint8_t lower(uint8_t c)
{
	return (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Length of the line at p (without CR LF or LF), or -1 when no LF is in
 * [p, p + n). *next is set past the line's end. */
static long line_len(const uint8_t *p, size_t n, size_t *next)
{
	const uint8_t *lf = memchr(p, '\n', n);
	size_t l;

	if (!lf)
		return -1;
	l = (size_t)(lf - p);
	*next = l + 1;
	if (l > 0 && p[l - 1] == '\r')
		l--;
	return (long)l;
}

/* Request line check on the line [p, p + n). */
static bool request_line_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, t;

	while (i < n && is_tchar(p[i]))
		i++;
	if (i == 0 || i > HTTP_METHOD_MAX || i >= n || p[i] != ' ')
		return false;
	t = ++i;
	while (i < n && p[i] > 0x20 && p[i] < 0x7f)
		i++;
	if (i == t || i >= n || p[i] != ' ')
		return false;
	i++;
	return n - i == 8 && memcmp(p + i, "HTTP/1.", 7) == 0 &&
	       p[i + 7] >= '0' && p[i + 7] <= '9';
}

/* Before the line is complete: can these bytes still start a request
 * line? Rejects binary protocols on their first segment. */
static bool request_prefix_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_tchar(p[i]))
		i++;
	if (i == 0 && n > 0)
		return false;
	if (i > HTTP_METHOD_MAX)
		return false;
	if (i == n)
		return true;
	if (p[i] != ' ')
		return false;
	for (i++; i < n; i++)
		if ((p[i] < 0x20 && !(p[i] == '\r' && i == n - 1)) ||
		    p[i] == 0x7f)
			return false;	/* no controls in target or version */
	return true;
}

/* Host value (trimmed) -> out, port stripped. */
static enum http_status host_value(const uint8_t *v, size_t n,
				   struct http_request *out)
{
	size_t end = n;

	if (n == 0)
		return HTTP_NO_HOST;
	if (v[0] == '[') {
		/* IPv6 literal (RFC 3986 section 3.2.2): never a name. */
		out->host_ip_literal = true;
		return HTTP_NO_HOST;
	}
	/* host ":" port: strip a trailing run of digits after the last
	 * colon. More than one colon is a bare IPv6 address (invalid in
	 * Host, still not a name): the IP-literal test below catches it. */
	{
		const uint8_t *colon = memchr(v, ':', n);

		if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - v) - 1)) {
			size_t k;

			for (k = (size_t)(colon - v) + 1; k < n; k++)
				if (v[k] < '0' || v[k] > '9')
					break;
			if (k == n)
				end = (size_t)(colon - v);
		}
	}
	if (name_sanitize(v, end, out->host, &out->host_invalid) == 0)
		return HTTP_NO_HOST;
	if (name_is_ip_literal(out->host)) {
		out->host_ip_literal = true;
		out->host[0] = '\0';
		return HTTP_NO_HOST;
	}
	return HTTP_HOST;
}

enum http_status http_parse_request(const uint8_t *p, size_t len, bool final,
				    struct http_request *out)
{
	size_t off, next = 0;
	long l;

	memset(out, 0, sizeof(*out));
	if (len > HTTP_MAX_HEAD) {
		len = HTTP_MAX_HEAD;
		final = true;
	}
	l = line_len(p, len, &next);
	if (l < 0)
		return !final && request_prefix_ok(p, len) ? HTTP_NEED_MORE
							    : HTTP_NOT_REQUEST;
	if (!request_line_ok(p, (size_t)l))
		return HTTP_NOT_REQUEST;

	for (off = next;;) {
		const uint8_t *h = p + off;
		size_t n = len - off, vstart, vend, k;
		uint8_t value[NAME_MAX_LEN * 2 + 2];
		size_t vn = 0;

		l = line_len(h, n, &next);
		if (l < 0)
			return final ? HTTP_NO_HOST : HTTP_NEED_MORE;
		if (l == 0)
			return HTTP_NO_HOST;	/* end of the header block */
		off += next;
		if (l < 5 || lower(h[0]) != 'h' || lower(h[1]) != 'o' ||
		    lower(h[2]) != 's' || lower(h[3]) != 't' || h[4] != ':')
			continue;
		/* The value, with folded continuation lines joined. */
		vstart = 5;
		vend = (size_t)l;
		for (;;) {
			while (vstart < vend && (h[vstart] == ' ' || h[vstart] == '\t'))
				vstart++;
			while (vend > vstart && (h[vend - 1] == ' ' || h[vend - 1] == '\t'))
				vend--;
			if (vn && vend > vstart && vn < sizeof(value))
				value[vn++] = ' ';
			k = vend - vstart;
			if (k > sizeof(value) - vn)
				k = sizeof(value) - vn;
			memcpy(value + vn, h + vstart, k);
			vn += k;
			/* obs-fold: the next line starts with SP or HTAB. */
			if (off >= len)
				break;
			if (p[off] != ' ' && p[off] != '\t')
				break;
			h = p + off;
			l = line_len(h, len - off, &next);
			if (l < 0) {
				if (!final)
					return HTTP_NEED_MORE;
				break;
			}
			off += next;
			vstart = 0;
			vend = (size_t)l;
		}
		if (off >= len && !final)
			/* A fold could still follow: wait unless the value
			 * is already there and the header block not needed. */
			return HTTP_NEED_MORE;
		return host_value(value, vn, out);
	}
}
