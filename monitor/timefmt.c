/*
 * timefmt.c: RFC 3339 timestamps with microseconds.
 *
 * Formats by hand rather than with gmtime_r + snprintf: records carry three
 * timestamps each, and the calendar arithmetic below (days to civil date,
 * H. Hinnant's algorithm, valid for every date a uint64 of nanoseconds can
 * reach) is exact and far cheaper.
 */
#include "timefmt.h"

static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

const char *timefmt_rfc3339(uint64_t ns, char buf[TIMEFMT_LEN])
{
	uint64_t sec = ns / 1000000000ull;
	unsigned usec = (unsigned)((ns % 1000000000ull) / 1000);
	uint64_t days = sec / 86400;
	unsigned rem = (unsigned)(sec % 86400);
	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	uint64_t z = days + 719468;
	uint64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t y = (uint64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	if (m <= 2)
		y++;
	put_digits(buf, (unsigned)(y % 10000), 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, rem / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, rem / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, rem % 60, 2);
	buf[19] = '.';
	put_digits(buf + 20, usec, 6);
	buf[26] = 'Z';
	buf[27] = '\0';
	return buf;
}
