/* Unit tests: RFC 3339 formatting (CONTRACT.md section 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "monitor/timefmt.h"

static void check(uint64_t ns, const char *want)
{
	char buf[TIMEFMT_LEN];

	assert_string_equal(timefmt_rfc3339(ns, buf), want);
}

static void test_known_instants(void **state)
{
	(void)state;
	check(0, "1970-01-01T00:00:00.000000Z");
	/* 2026-03-02T09:14:07Z is 1772442847 s (date -u -d ... +%s). */
	check(1772442847ull * 1000000000ull + 123456000ull,
	      "2026-03-02T09:14:07.123456Z");
	/* Leap day 2024-02-29T23:59:59Z = 1709251199. */
	check(1709251199ull * 1000000000ull, "2024-02-29T23:59:59.000000Z");
	/* 2000-03-01T00:00:00Z = 951868800 (century leap year). */
	check(951868800ull * 1000000000ull, "2000-03-01T00:00:00.000000Z");
}

static void test_nanoseconds_truncated(void **state)
{
	(void)state;
	/* .9999999 s must not round up into the next second. */
	check(999999999ull, "1970-01-01T00:00:00.999999Z");
	check(1000001999ull, "1970-01-01T00:00:01.000001Z");
}

static void test_matches_gmtime(void **state)
{
	(void)state;
	/* Every day over 400 years against libc's calendar. */
	for (uint64_t s = 0; s < 12700000000ull; s += 86400ull * 13 + 3607) {
		time_t t = (time_t)s;
		struct tm tm;
		char want[TIMEFMT_LEN], got[TIMEFMT_LEN];

		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
		timefmt_rfc3339(s * 1000000000ull, got);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_instants),
		cmocka_unit_test(test_nanoseconds_truncated),
		cmocka_unit_test(test_matches_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
