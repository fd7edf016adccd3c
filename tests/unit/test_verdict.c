/* test_verdict.c: verdict and severity names, parsers and orders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "geo/verdict.h"

static void test_verdict_names(void **state)
{
	static const char *const names[] = {
		"local", "eu", "eu_foreign_control", "adequate",
		"third_country", "unknown",
	};
	enum verdict v;

	(void)state;
	/* Display order is the enum order (CONTRACT.md section 2). */
	for (int i = 0; i < VERDICT_COUNT; i++) {
		assert_string_equal(verdict_name((enum verdict)i), names[i]);
		assert_true(verdict_parse(names[i], &v));
		assert_int_equal(v, i);
	}
	assert_string_equal(verdict_name((enum verdict)99), "?");
	assert_false(verdict_parse("EU", &v));
	assert_false(verdict_parse("third country", &v));
	assert_false(verdict_parse("", &v));
	assert_false(verdict_parse(NULL, &v));
}

static void test_verdict_precedence(void **state)
{
	/* third_country > unknown > adequate > eu_foreign_control > eu >
	 * local. */
	static const enum verdict order[] = {
		VERDICT_THIRD_COUNTRY, VERDICT_UNKNOWN, VERDICT_ADEQUATE,
		VERDICT_EU_FOREIGN_CONTROL, VERDICT_EU, VERDICT_LOCAL,
	};

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(*order); i++) {
		assert_true(verdict_precedence(order[i]) >
			    verdict_precedence(order[i + 1]));
		assert_int_equal(verdict_worst(order[i], order[i + 1]),
				 order[i]);
		assert_int_equal(verdict_worst(order[i + 1], order[i]),
				 order[i]);
	}
	assert_int_equal(verdict_precedence(VERDICT_THIRD_COUNTRY), 5);
	assert_int_equal(verdict_precedence(VERDICT_LOCAL), 0);
	assert_int_equal(verdict_precedence((enum verdict)42), -1);
	assert_int_equal(verdict_worst(VERDICT_EU, VERDICT_EU), VERDICT_EU);
}

static void test_severity(void **state)
{
	static const char *const names[] = { "low", "medium", "high",
					     "critical" };
	static const int ecs[] = { 21, 47, 73, 99 };
	enum severity s;

	(void)state;
	for (int i = 0; i < SEVERITY_COUNT; i++) {
		assert_string_equal(severity_name((enum severity)i), names[i]);
		assert_true(severity_parse(names[i], &s));
		assert_int_equal(s, i);
		assert_int_equal(severity_ecs((enum severity)i), ecs[i]);
	}
	/* Severities order critical, high, medium, low. */
	assert_true(SEVERITY_CRITICAL > SEVERITY_HIGH &&
		    SEVERITY_HIGH > SEVERITY_MEDIUM &&
		    SEVERITY_MEDIUM > SEVERITY_LOW);
	assert_false(severity_parse("High", &s));
	assert_false(severity_parse(NULL, &s));
	assert_string_equal(severity_name((enum severity)7), "?");
	assert_int_equal(severity_ecs((enum severity)7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_verdict_precedence),
		cmocka_unit_test(test_severity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
