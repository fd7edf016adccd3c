/*
 * fuzz_dns.c: DNS responses (monitor/dns.h), hostile by construction.
 *
 * The whole input is one DNS message for dns_parse_response(); then every
 * name in it is read again with dns_read_name() from each offset the first
 * two bytes point at (a compression pointer's landing place), as a record
 * walk would.
 *
 * Invariants: counts within the caps, every answer naming a kept name, an
 * IPv4 answer's unused bytes zero, every name sanitised (monitor/name.h);
 * dns_read_name() never lands past the message and its wire form is at
 * most 255 bytes of well-formed labels.
 */
#include "fuzz_common.h"
#include "monitor/cursor.h"
#include "monitor/dns.h"

static void check_wire(const struct dns_wire_name *w)
{
	size_t i = 0;

	FUZZ_CHECK(w->wlen <= DNS_MAX_WIRE);
	while (i < w->wlen) {
		uint8_t l = w->b[i];

		FUZZ_CHECK(l >= 1 && l <= 63);
		for (size_t k = 1; k <= l && i + k < w->wlen; k++)
			FUZZ_CHECK(!(w->b[i + k] >= 'A' && w->b[i + k] <= 'Z'));
		i += 1 + (size_t)l;
	}
	FUZZ_CHECK(i == w->wlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_result res;
	static struct dns_wire_name w;
	enum dns_status st;
	char text[NAME_MAX_LEN + 1];

	memset(&res, 0xa5, sizeof(res));	/* nothing may be left unset */
	st = dns_parse_response(data, size, &res);
	FUZZ_CHECK(st == DNS_OK || st == DNS_NOT_RESPONSE ||
		   st == DNS_MALFORMED);
	if (st == DNS_OK) {
		FUZZ_CHECK(res.nnames <= DNS_MAX_NAMES);
		FUZZ_CHECK(res.nanswers <= DNS_MAX_ANSWERS);
		FUZZ_CHECK(!res.has_question || res.nnames >= 1);
		for (unsigned i = 0; i < res.nnames; i++)
			fuzz_check_name(res.names[i]);
		for (unsigned i = 0; i < res.nanswers; i++) {
			const struct dns_answer *a = &res.ans[i];

			FUZZ_CHECK(a->family == 4 || a->family == 6);
			FUZZ_CHECK(a->name < res.nnames);
			if (a->family == 4)
				for (int k = 4; k < 16; k++)
					FUZZ_CHECK(a->addr[k] == 0);
		}
	}

	/* Names read where the input's first two bytes say. */
	for (size_t k = 0; k < 2 && k < size; k++) {
		struct cursor c;
		bool invalid = false;
		size_t n;

		cursor_init(&c, data, size);
		cursor_skip(&c, data[k] % size);
		if (dns_read_name(&c, &w)) {
			FUZZ_CHECK(cursor_ok(&c));
			FUZZ_CHECK(cursor_offset(&c) <= size);
			check_wire(&w);
			n = dns_name_text(&w, text, &invalid);
			FUZZ_CHECK(n == strlen(text));
			fuzz_check_name(text);
		} else {
			FUZZ_CHECK(!cursor_ok(&c));
		}
	}
	return 0;
}
