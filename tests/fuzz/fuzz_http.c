/*
 * fuzz_http.c: the HTTP/1.x first request's Host (monitor/http.h).
 *
 * Input: byte 0 bit 0 is `final`, bytes 1-2 a cut point, the rest the
 * client's first bytes.
 *
 * Invariants: a status from the enum; HTTP_HOST gives a non-empty,
 * sanitised name that is no IP literal; and the parse is monotonic: a
 * prefix that already yields HOST or NO_HOST (with final unset) means the
 * whole gives the same answer, and a whole that is a request never has a
 * prefix that is "not a request".
 */
#include "fuzz_common.h"
#include "monitor/http.h"

static enum http_status parse(const uint8_t *p, size_t len, bool final,
			      struct http_request *r)
{
	enum http_status st;

	memset(r, 0xa5, sizeof(*r));
	st = http_parse_request(p, len, final, r);
	FUZZ_CHECK(st == HTTP_HOST || st == HTTP_NO_HOST ||
		   st == HTTP_NEED_MORE || st == HTTP_NOT_REQUEST);
	if (st == HTTP_HOST) {
		FUZZ_CHECK(r->host[0] != '\0');
		FUZZ_CHECK(!r->host_ip_literal);
		fuzz_check_name(r->host);
		FUZZ_CHECK(!name_is_ip_literal(r->host));
	}
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request whole, part;
	enum http_status sw, sp;
	size_t cut;
	bool final;

	if (size < 3)
		return 0;
	final = data[0] & 1;
	cut = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	if (cut > size)
		cut = size;
	sw = parse(data, size, final, &whole);
	sp = parse(data, cut, false, &part);
	if (sp == HTTP_HOST || sp == HTTP_NO_HOST) {
		FUZZ_CHECK(sw == sp);
		if (sp == HTTP_HOST)
			FUZZ_CHECK(strcmp(whole.host, part.host) == 0);
	}
	if (sw != HTTP_NOT_REQUEST)
		FUZZ_CHECK(sp != HTTP_NOT_REQUEST);
	return 0;
}
