/*
 * stats.c: printing the counters for --stats.
 */
#include "stats.h"

#include <inttypes.h>

void stats_print(const struct stats *s, FILE *out)
{
#define X(name, help) fprintf(out, "%-26s %" PRIu64 "\n", #name, s->name);
	STATS_COUNTERS(X)
#undef X
	for (int a = 1; a < ANOMALY_COUNT; a++)
		fprintf(out, "%-26s %" PRIu64 "\n",
			decode_anomaly_name((enum decode_anomaly)a),
			s->anomaly[a]);
}
