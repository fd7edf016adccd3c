/*
 * report.h: what a replay did, for people (the summary at the end) and for
 * auditors (--report JSON, issue 4). Everything is bounded.
 */
#ifndef BERGERIE_REPORT_H
#define BERGERIE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flow.h"
#include "stats.h"

struct geo_result;
struct report;

struct report *report_new(void);
void report_free(struct report *rp);

/* Every packet's time, for the capture's span. */
void report_packet_time(struct report *rp, uint64_t ts_ns);

/* An ended flow (not interim records); r is NULL when unclassified. */
void report_flow_end(struct report *rp, const struct flow *f,
		     const struct geo_result *r);

/* The human summary: packets, flows, and with verdicts where the data
 * went (per verdict, country, operator, sending host, remote service). */
void report_print_summary(const struct report *rp, const struct stats *s,
			  bool verdicts, FILE *out);

#endif
