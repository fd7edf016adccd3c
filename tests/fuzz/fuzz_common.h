/*
 * fuzz_common.h: what the fuzz targets share (tests/fuzz/README.md).
 *
 * FUZZ_CHECK is the targets' assert: it stays on in every build (NDEBUG or
 * not), names the invariant that broke and aborts, so libFuzzer and the
 * onefile replayer both report it as a crash with the input that did it.
 */
#ifndef BERGERIE_FUZZ_COMMON_H
#define BERGERIE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

/* A sanitised server name (monitor/name.h): printable ASCII, no upper
 * case, no trailing dot, at most 253 bytes. */
static inline void fuzz_check_name(const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	FUZZ_CHECK(n <= 253);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(s[i] >= 0x20 && s[i] <= 0x7e);
		FUZZ_CHECK(!(s[i] >= 'A' && s[i] <= 'Z'));
	}
	FUZZ_CHECK(n == 0 || s[n - 1] != '.');
}

/* Where geo/data is: the repository's, unless BERGERIE_GEO_DATA says
 * otherwise (the targets run from the top of the repository). */
static inline const char *fuzz_geo_data(void)
{
	const char *d = getenv("BERGERIE_GEO_DATA");

	return d && *d ? d : "geo/data";
}

#endif
