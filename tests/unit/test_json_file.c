/* test_json_file.c: loading, error positions, JSON pointers (RFC 6901),
 * strict keys and quoting in geo/json_file.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "geo/json_file.h"

static char path[64];

static const char *write_tmp(const char *text)
{
	FILE *f;

	strcpy(path, "/tmp/bergerie-json-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void expect_load_error(const char *text, size_t max, const char *tail)
{
	char err[512], want[512];
	const char *p = write_tmp(text);
	json_t *j = json_file_load(p, max, err, sizeof(err));

	unlink(p);
	assert_null(j);
	snprintf(want, sizeof(want), "%s%s", p, tail);
	if (strcmp(err, want) != 0)
		fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
}

static void test_load(void **state)
{
	char err[256];
	const char *p = write_tmp("{\"a\": [1, 2], \"b\": {\"c\": \"d\"}}\n");
	json_t *j = json_file_load(p, 1024, err, sizeof(err));

	(void)state;
	unlink(p);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "a"), 1)), 2);
	json_decref(j);

	/* Syntax: line 3, column 9 is the ']' that should be '}'. */
	expect_load_error("{\n  \"a\": 1,\n  \"b\": 2]\n", 1024,
			  ":3:9: '}' expected near ']'");
	/* Duplicate keys: column of the key's closing quote. */
	expect_load_error("{\"a\": 1,\n \"a\": 2}", 1024,
			  ":2:4: duplicate object key near '\"a\"'");
	expect_load_error("", 1024, ":1:0: '[' or '{' expected near end of file");
	expect_load_error("{} x", 1024, ":1:4: end of file expected near 'x'");
	/* Control byte in the text jansson quotes back. */
	expect_load_error("{\"a\": \x01}", 1024,
			  ":1:7: invalid token near '\\x01'");
	/* Over the cap: refused before parsing. */
	expect_load_error("{\"a\": 1}", 7, ": 8 bytes, over the limit of 7");
	/* At the cap exactly: fine. */
	p = write_tmp("{\"a\": 1}");
	j = json_file_load(p, 8, err, sizeof(err));
	unlink(p);
	assert_non_null(j);
	json_decref(j);
}

static void test_load_errors(void **state)
{
	char err[256];

	(void)state;
	assert_null(json_file_load("/nonexistent/x.json", 10, err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/x.json: No such file or directory");
	assert_null(json_file_load("/tmp", 10, err, sizeof(err)));
	assert_string_equal(err, "/tmp: not a regular file");
}

static void test_pointer(void **state)
{
	struct json_path p;

	(void)state;
	json_path_init(&p);
	assert_string_equal(json_path_str(&p), "");
	json_path_push_key(&p, "rules");
	json_path_push_index(&p, 3);
	json_path_push_key(&p, "cidr");
	assert_string_equal(json_path_str(&p), "/rules/3/cidr");
	json_path_pop(&p);
	assert_string_equal(json_path_str(&p), "/rules/3");
	/* RFC 6901 section 3: '~' -> "~0", '/' -> "~1", in that spirit
	 * "~1" in a key is "~01". */
	json_path_push_key(&p, "a/b~c~1");
	assert_string_equal(json_path_str(&p), "/rules/3/a~1b~0c~01");
	json_path_pop(&p);
	json_path_push_key(&p, "");
	assert_string_equal(json_path_str(&p), "/rules/3/");
	json_path_pop(&p);
	/* UTF-8 kept, control bytes shown escaped. */
	json_path_push_key(&p, "caf\xc3\xa9\n");
	assert_string_equal(json_path_str(&p), "/rules/3/caf\xc3\xa9\\x0a");
	json_path_pop(&p);
	json_path_pop(&p);
	json_path_pop(&p);
	assert_string_equal(json_path_str(&p), "");
	json_path_pop(&p);	/* popping the root is harmless */
	assert_string_equal(json_path_str(&p), "");
}

static void test_pointer_overflow(void **state)
{
	struct json_path p;
	char key[200];
	const char *s;

	(void)state;
	json_path_init(&p);
	memset(key, '~', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	json_path_push_key(&p, "a");
	json_path_push_key(&p, key);	/* 199 '~' need 398 bytes */
	s = json_path_str(&p);
	assert_true(strlen(s) < 256);
	/* Cut at an escape boundary: "~0" pairs, then "...". */
	assert_memory_equal(s, "/a/~0~0", 7);
	assert_string_equal(s + strlen(s) - 3, "...");
	assert_int_equal((strlen(s) - 3 - 3) % 2, 0);
	assert_memory_equal(s + strlen(s) - 5, "~0...", 5);
	/* Deeper pushes add nothing after the cut. */
	json_path_push_index(&p, 7);
	assert_string_equal(json_path_str(&p), s);
	json_path_pop(&p);
	/* Popping the long key restores the short pointer exactly. */
	json_path_pop(&p);
	assert_string_equal(json_path_str(&p), "/a");
	json_path_push_index(&p, 12);
	assert_string_equal(json_path_str(&p), "/a/12");
	json_path_pop(&p);

	/* A UTF-8 character is never split: 'é' is two bytes. */
	char wide[300] = "";
	for (int i = 0; i < 140; i++)
		strcat(wide, "\xc3\xa9");
	json_path_push_key(&p, wide);
	s = json_path_str(&p);
	assert_string_equal(s + strlen(s) - 5, "\xc3\xa9...");
	json_path_pop(&p);
	assert_string_equal(json_path_str(&p), "/a");
}

static void test_pointer_depth(void **state)
{
	struct json_path p;

	(void)state;
	json_path_init(&p);
	for (size_t i = 0; i < 20; i++)
		json_path_push_index(&p, i);
	/* 15 levels, then "/..." for everything deeper. */
	assert_string_equal(json_path_str(&p),
			    "/0/1/2/3/4/5/6/7/8/9/10/11/12/13/14/...");
	for (size_t i = 0; i < 5; i++)
		json_path_pop(&p);
	assert_string_equal(json_path_str(&p),
			    "/0/1/2/3/4/5/6/7/8/9/10/11/12/13/14");
	json_path_pop(&p);
	assert_string_equal(json_path_str(&p),
			    "/0/1/2/3/4/5/6/7/8/9/10/11/12/13");
	json_path_push_key(&p, "x");
	assert_string_equal(json_path_str(&p),
			    "/0/1/2/3/4/5/6/7/8/9/10/11/12/13/x");
	for (size_t i = 0; i < 30; i++)
		json_path_pop(&p);
	assert_string_equal(json_path_str(&p), "");
}

static void test_error_and_keys(void **state)
{
	static const char *const allowed[] = { "id", "name", "cidr", NULL };
	struct json_path p;
	char err[256];
	json_t *o;

	(void)state;
	json_path_init(&p);
	assert_false(json_file_error(err, sizeof(err), "policy.json", &p,
				     "expected an object, got %s", "an array"));
	assert_string_equal(err, "policy.json: /: expected an object, got an array");
	json_path_push_key(&p, "rules");
	json_path_push_index(&p, 3);
	json_path_push_key(&p, "cidr");
	json_file_error(err, sizeof(err), "policy.json", &p,
			"expected a CIDR, got \"%s\"", "10.0.0/33");
	assert_string_equal(err, "policy.json: /rules/3/cidr: expected a CIDR, got \"10.0.0/33\"");
	json_path_pop(&p);
	json_file_error(err, sizeof(err), "f", NULL, "m");
	assert_string_equal(err, "f: /: m");

	o = json_pack("{s:s, s:s}", "id", "r1", "name", "x");
	assert_true(json_file_check_keys(o, allowed, err, sizeof(err), "policy.json", &p));
	json_object_set_new(o, "colour", json_string("red"));
	assert_false(json_file_check_keys(o, allowed, err, sizeof(err), "policy.json", &p));
	assert_string_equal(err, "policy.json: /rules/3/colour: unknown key \"colour\" (known: id, name, cidr)");
	/* The path is left as it was. */
	assert_string_equal(json_path_str(&p), "/rules/3");
	json_decref(o);

	o = json_pack("{s:i}", "bad\"key\x01", 1);
	assert_false(json_file_check_keys(o, allowed, err, sizeof(err), "p", &p));
	assert_string_equal(err, "p: /rules/3/bad\"key\\x01: unknown key \"bad\\\"key\\x01\" (known: id, name, cidr)");
	json_decref(o);

	o = json_array();
	assert_false(json_file_check_keys(o, allowed, err, sizeof(err), "p", &p));
	assert_string_equal(err, "p: /rules/3: expected an object, got an array");
	json_decref(o);
}

static void test_quote_utf8(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(json_file_quote("plain", buf, sizeof(buf)), "plain");
	assert_string_equal(json_file_quote("a\"b\\", buf, sizeof(buf)), "a\\\"b\\\\");
	assert_string_equal(json_file_quote("\x1b[2J", buf, sizeof(buf)), "\\x1b[2J");
	assert_string_equal(json_file_quote("\xff\xc3", buf, sizeof(buf)), "\\xff\\xc3");
	assert_string_equal(json_file_quote("\xc2\x85", buf, sizeof(buf)), "\\xc2\\x85");
	assert_string_equal(json_file_quote("0123456789abcdefgh", buf, sizeof(buf)),
			    "0123456789ab...");
	/* Never cuts an escape: 4-byte units, 15 bytes of room. */
	assert_string_equal(json_file_quote("\x01\x02\x03\x04", buf, sizeof(buf)),
			    "\\x01\\x02\\x03...");
	assert_string_equal(json_file_quote(NULL, buf, sizeof(buf)), "");

	/* RFC 3629: well-formed lengths, and what is refused. */
	assert_int_equal(json_file_utf8_len((const unsigned char *)"A", 1), 1);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xc3", 1), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xc0\xaf", 2), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xe0\x80\xaf", 3), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\x80", 1), 0);
	assert_int_equal(json_file_utf8_len((const unsigned char *)"\xe2\x28\xa1", 3), 0);

	json_t *v = json_integer(1);
	assert_string_equal(json_file_type_name(v), "an integer");
	json_decref(v);
	assert_string_equal(json_file_type_name(json_true()), "a boolean");
	assert_string_equal(json_file_type_name(json_null()), "null");
	assert_string_equal(json_file_type_name(NULL), "null");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_pointer_overflow),
		cmocka_unit_test(test_pointer_depth),
		cmocka_unit_test(test_error_and_keys),
		cmocka_unit_test(test_quote_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
