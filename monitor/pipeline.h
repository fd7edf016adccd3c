/*
 * pipeline.h: one packet's way through bergerie, in one place:
 *
 *   clock -> decode -> fragments -> flow -> (names -> verdict -> alert)
 *         -> records when flows end
 *
 * The pipeline owns the flow and fragment tables, the run's counters and
 * the record outputs. main() feeds it packets and idle ticks.
 */
#ifndef BERGERIE_PIPELINE_H
#define BERGERIE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "config.h"
#include "flow.h"
#include "output.h"
#include "record.h"
#include "stats.h"

struct pipeline_setup {
	const struct config *cfg;
	struct output *flows;		/* NULL: no flow records */
	struct output *metrics;		/* NULL: no statistics records */
	struct record_context rctx;
	uint8_t seed[16];		/* hash key, random per process */
	struct geo_engine *engine;	/* NULL: no jurisdiction engine */
	struct writer *writer;		/* output thread; NULL: write inline */
	struct output *alerts;		/* --alerts, NULL: none */
	struct syslog *syslog;		/* --syslog, NULL: none */
	uint32_t fail_on;		/* --fail-on: bit (1 << verdict) */
	struct capture *capture;	/* live: its counters go in periodic
					 * statistics records; NULL: none */
};

struct pipeline;
struct geo_engine;

struct pipeline *pipeline_new(const struct pipeline_setup *setup, char *err,
			      size_t errlen);
void pipeline_free(struct pipeline *pl);

void pipeline_packet(struct pipeline *pl, const struct capture_packet *cp);

/* Live capture, nothing arrived: let the clock follow the wall clock. */
void pipeline_idle(struct pipeline *pl, uint64_t wall_ns);

/* Ends every flow (end_of_input or shutdown) and writes a last
 * statistics record. */
void pipeline_finish(struct pipeline *pl, enum flow_end_reason why,
		     const struct capture_stats *cs);

/* Writes a statistics record now (SIGUSR1). */
void pipeline_write_metrics(struct pipeline *pl, const struct capture_stats *cs);

/* The packet clock: the latest packet time seen, ns since the epoch. */
uint64_t pipeline_clock(const struct pipeline *pl);

/* Makes e the engine for every flow from its next packet on (SIGHUP
 * reload); the pipeline takes a reference and drops the old one. */
void pipeline_set_engine(struct pipeline *pl, struct geo_engine *e);

/* Counters, with the flow and fragment tables' copied in. */
const struct stats *pipeline_stats(struct pipeline *pl);

/* The human summary of a replay (to stdout or stderr). */
void pipeline_print_summary(struct pipeline *pl, FILE *out);

/* The run's report (for --report). */
struct report *pipeline_report(struct pipeline *pl);

/* Writes the --report JSON document (after pipeline_finish). False on a
 * write error. */
bool pipeline_write_report(struct pipeline *pl, FILE *out);

/* Flows the policy flagged with a --fail-on verdict (exit status 1). */
uint64_t pipeline_fail_on_count(struct pipeline *pl);

/* The dashboard's feed (monitor/ui_feed.h); NULL: none. */
struct ui_feed;
void pipeline_set_ui(struct pipeline *pl, struct ui_feed *feed);

/* Builds a dashboard snapshot when one is due (due: now); for the replay
 * pacer's waits and the end of a replay. */
void pipeline_ui_tick(struct pipeline *pl, bool due);

#endif
