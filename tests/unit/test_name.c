/*
 * test_name.c: the one sanitiser (CONTRACT.md section 5) and the
 * IP-literal test. Expected strings written by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/name.h"

static size_t san(const char *in, size_t len, char *out, bool *inv)
{
	*inv = false;
	return name_sanitize((const uint8_t *)in, len, out, inv);
}

static void test_lower_and_dots(void **state)
{
	char out[NAME_MAX_LEN + 1];
	bool inv;

	(void)state;
	assert_int_equal(san("WWW.Example.COM.", 16, out, &inv), 15);
	assert_string_equal(out, "www.example.com");
	assert_false(inv);
	assert_int_equal(san("...", 3, out, &inv), 0);
	assert_string_equal(out, "");
	assert_int_equal(san("xn--bcher-kva.example", 21, out, &inv), 21);
	assert_string_equal(out, "xn--bcher-kva.example");
}

static void test_escapes(void **state)
{
	char out[NAME_MAX_LEN + 1];
	bool inv;

	(void)state;
	san("a\\b", 3, out, &inv);
	assert_string_equal(out, "a\\x5cb");
	assert_true(inv);
	san("t\x00\x7f\xc3\xa9\n", 6, out, &inv);
	assert_string_equal(out, "t\\x00\\x7f\\xc3\\xa9\\x0a");
	assert_true(inv);
}

static void test_cut_at_escape_boundary(void **state)
{
	char in[300], out[NAME_MAX_LEN + 1];
	bool inv;
	size_t n;

	(void)state;
	/* 300 plain bytes: cut at 253. */
	memset(in, 'a', sizeof(in));
	assert_int_equal(san(in, 300, out, &inv), 253);
	assert_true(inv);
	/* 251 plain then an escape: the escape (4 bytes) does not fit. */
	memset(in, 'b', 251);
	in[251] = '\x01';
	n = san(in, 252, out, &inv);
	assert_int_equal(n, 251);
	assert_true(inv);
	/* 249 plain then an escape: fits exactly. */
	in[249] = '\x01';
	n = san(in, 250, out, &inv);
	assert_int_equal(n, 253);
	assert_string_equal(out + 249, "\\x01");
	/* Exactly 253 plain bytes: no cut, not invalid. */
	memset(in, 'c', 253);
	assert_int_equal(san(in, 253, out, &inv), 253);
	assert_false(inv);
	/* A cut that leaves a trailing dot drops it. */
	memset(in, 'd', 300);
	in[252] = '.';
	assert_int_equal(san(in, 300, out, &inv), 252);
}

static void test_ip_literals(void **state)
{
	(void)state;
	assert_true(name_is_ip_literal("192.0.2.1"));
	assert_true(name_is_ip_literal("2001:db8::1"));
	assert_true(name_is_ip_literal("[2001:db8::1]"));
	assert_true(name_is_ip_literal("::ffff:192.0.2.1"));
	assert_false(name_is_ip_literal("192.0.2.1.example"));
	assert_false(name_is_ip_literal("[2001:db8::1"));
	assert_false(name_is_ip_literal("example.com"));
	assert_false(name_is_ip_literal(""));
	assert_false(name_is_ip_literal("[]"));
}

static void test_source_names(void **state)
{
	(void)state;
	assert_string_equal(name_source_name(NAME_SRC_DNS), "dns");
	assert_string_equal(name_source_name(NAME_SRC_SNI), "sni");
	assert_string_equal(name_source_name(NAME_SRC_HTTP), "http");
	assert_string_equal(name_source_name(NAME_SRC_QUIC), "quic");
	assert_null(name_source_name(NAME_SRC_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower_and_dots),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_cut_at_escape_boundary),
		cmocka_unit_test(test_ip_literals),
		cmocka_unit_test(test_source_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
