/*
 * timefmt.h: times as records write them (CONTRACT.md section 1): RFC 3339,
 * UTC, exactly six fractional digits, nanoseconds truncated, never rounded.
 */
#ifndef BERGERIE_TIMEFMT_H
#define BERGERIE_TIMEFMT_H

#include <stdint.h>

enum { TIMEFMT_LEN = 32 };	/* "2026-03-02T09:14:07.123456Z" + NUL */

/* Writes ns since the epoch as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; returns buf. */
const char *timefmt_rfc3339(uint64_t ns, char buf[TIMEFMT_LEN]);

#endif
