/* Unit tests: an object refilled in place (json_fill) equals, byte for
 * byte, the object a fresh build of the same keys would make, whatever
 * shape it held before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/json_fill.h"

/* A record shape: which optional keys are present, and values. */
static void fill(json_t *obj, bool fresh, unsigned shape, int v)
{
	static const char *const laws[] = {"a", "b", "c"};
	struct json_fill c, child, grand;
	char s[32];

	if (fresh)
		json_fill_append(&c, obj);
	else
		json_fill_begin(&c, obj);
	snprintf(s, sizeof(s), "t%d", v);
	json_fill_str(&c, "@timestamp", s);
	if (shape & 1)
		json_fill_int(&c, "opt_int", v);
	json_fill_open(&c, "obj", &child);
	json_fill_int(&child, "n", v * 7);
	if (shape & 2)
		json_fill_str(&child, "maybe", (shape & 4) ? "x" : "y");
	if (shape & 8) {
		json_fill_open(&child, "nested", &grand);
		if (shape & 16)
			json_fill_str(&grand, "leaf", s);
		json_fill_close(&child, "nested", &grand, true);
	}
	json_fill_close(&c, "obj", &child, false);
	json_fill_strs(&c, "laws", laws, (size_t)(shape >> 5) % 4);
	if (shape & 128)
		json_fill_true(&c, "flag");
	/* Not UTF-8: left out, as json_string() refuses it. */
	json_fill_str(&c, "bad", (shape & 256) ? "\xff\xfe" : "ok");
	json_fill_str(&c, "null", NULL);
	json_fill_str(&c, "last", s);
	json_fill_end(&c);
}

static void test_refill_matches_fresh(void **state)
{
	json_t *kept = json_object();
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		json_t *fresh = json_object();
		unsigned shape;
		char *a, *b;

		seed = seed * 1103515245u + 12345u;
		shape = (seed >> 8) & 511;
		fill(kept, false, shape, i);
		fill(fresh, true, shape, i);
		a = json_dumps(kept, JSON_COMPACT);
		b = json_dumps(fresh, JSON_COMPACT);
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
		json_decref(fresh);
	}
	json_decref(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refill_matches_fresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
