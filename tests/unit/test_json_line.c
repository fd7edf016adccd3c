/* Unit tests: json_line writes exactly what json_dumps(JSON_COMPACT) does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/json_line.h"

static void same_as_jansson(json_t *v)
{
	struct json_line jl;
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	json_line_init(&jl);
	assert_true(json_line_dump(&jl, v));
	assert_non_null(want);
	assert_string_equal(jl.buf, want);
	assert_int_equal(jl.len, strlen(want));
	free(want);
	json_line_fini(&jl);
	json_decref(v);
}

static void test_scalars(void **state)
{
	(void)state;
	same_as_jansson(json_pack("[i,i,I,I,b,b,n]", 0, -1, (json_int_t)INT64_MAX,
				  (json_int_t)INT64_MIN, 1, 0));
	same_as_jansson(json_pack("{s:s}", "k", ""));
	same_as_jansson(json_object());
	same_as_jansson(json_array());
}

static void test_escapes_and_utf8(void **state)
{
	char ctl[40];

	(void)state;
	for (int i = 0; i < 32; i++)
		ctl[i] = (char)(i + 1 == 32 ? ' ' : i + 1);
	ctl[32] = '\0';
	same_as_jansson(json_pack("{s:s}", "ctl", ctl));
	same_as_jansson(json_pack("{s:s,s:s}", "q\"uote", "back\\slash / and \"",
				  "utf8", "S\xc3\xa3o Paulo \xe2\x86\x92 \xf0\x9f\x90\x91"));
}

/* Strings copied eight bytes at a time: an escape at every offset of
 * every length, among ASCII and UTF-8 bytes. */
static void test_escape_positions(void **state)
{
	static const char esc[] = {'"', '\\', '\n', 0x01, 0x1f, '\t'};
	char s[40];

	(void)state;
	for (size_t len = 1; len < 34; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t e = 0; e < sizeof(esc); e++) {
				size_t u = len >= 4 ? (at + 2) % (len - 1) : 0;

				for (size_t i = 0; i < len; i++)
					s[i] = (char)('a' + (i % 26));
				if (len >= 4 && at != u && at != u + 1) {
					/* a UTF-8 sequence too */
					s[u] = (char)0xc3;
					s[u + 1] = (char)0xa3;
				}
				s[at] = esc[e];
				s[len] = '\0';
				same_as_jansson(json_pack("{s:s}", "k", s));
			}
}

static void test_record_shape_keeps_insertion_order(void **state)
{
	json_t *rec = json_pack(
		"{s:s,s:{s:s,s:[s]},s:{s:s,s:i,s:I},s:{s:{s:{s:s}}}}",
		"@timestamp", "2026-03-02T09:14:07.123456Z", "event", "kind",
		"event", "category", "network", "source", "ip", "10.0.0.5",
		"port", 51234, "bytes", (json_int_t)123456789012, "network",
		"vlan", "inner", "id", "20");

	(void)state;
	json_object_set_new(rec, "zzz", json_true());
	json_object_set_new(rec, "aaa", json_integer(7));
	same_as_jansson(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_escapes_and_utf8),
		cmocka_unit_test(test_escape_positions),
		cmocka_unit_test(test_record_shape_keeps_insertion_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
